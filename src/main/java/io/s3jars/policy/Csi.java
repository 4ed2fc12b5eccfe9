package io.s3jars.policy;

/**
 * How a bucket is reached in csi mode: the PersistentVolumeClaim, in the pod's namespace, bound
 * to a static PersistentVolume of the Mountpoint for Amazon S3 CSI driver for this bucket.
 *
 * @param claimName the claim's name; {@code s3jars-<bucket>} unless the policy names another
 * @param declared  whether the policy declares {@code csi} for the bucket: only then may {@code auto}
 *                  choose csi, since only then does the platform team say the claims exist
 */
public record Csi(String claimName, boolean declared) {

    /** The mode's claim when the policy says nothing: usable when asked for, never chosen by auto. */
    public static Csi defaultFor(String bucket) {
        return new Csi("s3jars-" + bucket, false);
    }

    /** Whether the claim is {@code s3jars-<bucket>}, the one s3jars may keep; another name is the platform team's. */
    public boolean isDefaultFor(String bucket) {
        return claimName.equals(defaultFor(bucket).claimName());
    }
}
