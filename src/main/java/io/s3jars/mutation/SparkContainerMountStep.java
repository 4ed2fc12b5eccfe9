package io.s3jars.mutation;

import io.s3jars.policy.Mode;

/**
 * Mounts each bucket's volume read-only in every Spark container, at the bucket's container
 * path, whatever the mode put in that volume. {@code HostToContainer} propagation lets a remount
 * below it (the node agent or the sidecar restarting mount-s3) reach running containers.
 *
 * <p>Every {@link Mode} shares this step, so the containers see a bucket at the same path and
 * with the same options however it is mounted.
 */
public final class SparkContainerMountStep implements MutationStep {

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        for (BucketMount mount : plan.mounts()) {
            for (int container : PodElements.sparkContainers(pod, plan.defaults())) {
                PodElements.ensureMount(pod, "containers", container, mount.sparkContainerMount());
            }
        }
    }
}
