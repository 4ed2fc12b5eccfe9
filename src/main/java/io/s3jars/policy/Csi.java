package io.s3jars.policy;

/**
 * How a bucket is reached in csi mode: the PersistentVolumeClaim, in the pod's namespace, bound
 * to a static PersistentVolume of the Mountpoint for Amazon S3 CSI driver for this bucket.
 *
 * @param claimName the claim's name; {@code s3jars-<bucket>} unless the policy names another
 */
public record Csi(String claimName) {

    public static Csi defaultFor(String bucket) {
        return new Csi("s3jars-" + bucket);
    }
}
