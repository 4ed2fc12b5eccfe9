package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mounts each bucket from the node: a hostPath volume of the node's mount-s3 directory, read-only
 * in every Spark container. {@code HostToContainer} propagation lets a remount on the node (the
 * node agent restarts mount-s3 after a failure) reach running containers.
 */
public final class HostPathVolumeStep implements MutationStep {

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        for (BucketMount mount : plan.mounts()) {
            PodElements.ensureVolume(pod, volume(mount));
            for (int container : PodElements.sparkContainers(pod, plan.defaults())) {
                PodElements.ensureMount(pod, "containers", container, volumeMount(mount));
            }
        }
    }

    static ObjectNode volume(BucketMount mount) {
        ObjectNode volume = JsonNodeFactory.instance.objectNode().put("name", mount.volumeName());
        volume.putObject("hostPath").put("path", mount.bucket().nodeMountPath()).put("type", "Directory");
        return volume;
    }

    static ObjectNode volumeMount(BucketMount mount) {
        return JsonNodeFactory.instance.objectNode()
                .put("name", mount.volumeName())
                .put("mountPath", mount.containerPath())
                .put("readOnly", true)
                .put("mountPropagation", "HostToContainer");
    }
}
