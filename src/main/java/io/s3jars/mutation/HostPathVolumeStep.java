package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mounts each bucket from the node: a hostPath volume of the node's mount-s3 directory, which
 * {@link SparkContainerMountStep} then mounts read-only in the Spark containers.
 */
public final class HostPathVolumeStep implements MutationStep {

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        for (BucketMount mount : plan.mounts()) {
            PodElements.ensureVolume(pod, volume(mount));
        }
    }

    static ObjectNode volume(BucketMount mount) {
        ObjectNode volume = JsonNodeFactory.instance.objectNode().put("name", mount.volumeName());
        volume.putObject("hostPath").put("path", mount.bucket().nodeMountPath()).put("type", "Directory");
        return volume;
    }
}
