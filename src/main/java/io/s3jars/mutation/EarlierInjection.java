package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.policy.Mode;
import java.util.List;
import java.util.Optional;

/**
 * What a pod's volumes say about an earlier s3jars call: a volume named like a bucket's with a
 * hostPath means hostpath, with an emptyDir means sidecar. The pod's author can write such a
 * volume too, so this is a claim to check against the policy, not a fact.
 *
 * @param volume the volume that carries the claim, for messages
 */
record EarlierInjection(Mode mode, String volume) {

    static Optional<EarlierInjection> find(SparkPod pod, List<BucketMount> mounts) {
        JsonNode volumes = pod.json().path("spec").path("volumes");
        if (!volumes.isArray()) {
            return Optional.empty(); // absent, or malformed: the steps report the latter
        }
        for (BucketMount mount : mounts) {
            for (JsonNode volume : volumes) {
                if (mount.volumeName().equals(volume.path("name").asText())) {
                    if (volume.has("hostPath")) {
                        return Optional.of(new EarlierInjection(Mode.HOSTPATH, mount.volumeName()));
                    }
                    if (volume.has("emptyDir")) {
                        return Optional.of(new EarlierInjection(Mode.SIDECAR, mount.volumeName()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    String describe() {
        return "volume " + volume + " (" + (mode == Mode.HOSTPATH ? "hostPath" : "emptyDir") + ", as s3jars adds in "
                + mode.label() + " mode)";
    }
}
