package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.policy.Mode;
import java.util.List;
import java.util.Optional;

/**
 * What a pod's volumes say about an earlier s3jars call: a volume named like a bucket's, of the
 * kind a mode adds (a hostPath for hostpath, an emptyDir for sidecar), means that mode. The pod's
 * author can write such a volume too, so this is a claim to check against the policy, not a fact.
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
                    for (Mode mode : Mode.values()) {
                        if (mode.isConcrete() && volume.has(volumeSource(mode))) {
                            return Optional.of(new EarlierInjection(mode, mount.volumeName()));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The volume source field of the bucket's volume that the mode adds. */
    static String volumeSource(Mode mode) {
        return switch (mode) {
            case HOSTPATH -> "hostPath";
            case SIDECAR -> "emptyDir";
            case CSI -> "persistentVolumeClaim";
            case AUTO -> throw new IllegalArgumentException("auto adds no volume of its own");
        };
    }

    String describe() {
        return "volume " + volume + " (" + volumeSource(mode) + ", as s3jars adds in " + mode.label() + " mode)";
    }
}
