package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mounts each bucket through the Mountpoint for Amazon S3 CSI driver: a read-only
 * {@code persistentVolumeClaim} volume of the bucket's claim in the pod's namespace, which
 * {@link SparkContainerMountStep} then mounts read-only in the Spark containers. The claim and its
 * PersistentVolume (driver {@code s3.csi.aws.com}) come from s3jars' csi volume controller, or from
 * the platform team with {@code manageVolumes: false}: the volume mounts whatever bucket it names,
 * and the claim existing in a namespace is what lets that namespace's pods use it.
 */
public final class CsiClaimVolumeStep implements MutationStep {

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        for (BucketMount mount : plan.mounts()) {
            PodElements.ensureVolume(pod, volume(mount));
        }
    }

    static ObjectNode volume(BucketMount mount) {
        ObjectNode volume = JsonNodeFactory.instance.objectNode().put("name", mount.volumeName());
        volume.putObject("persistentVolumeClaim").put("claimName", mount.bucket().csi().claimName())
                .put("readOnly", true);
        return volume;
    }
}
