package io.s3jars.policy;

import java.util.Map;
import java.util.Optional;

/**
 * One S3 bucket the policy knows.
 *
 * @param nodeMountPath    where the node-level mount-s3 mounts this bucket (hostpath mode)
 * @param mountReadyLabels node labels that mark a node whose mount of this bucket is live
 * @param prefix           key prefix passed to the sidecar's mount-s3, ending in {@code /}
 * @param csi              the claim csi mode mounts
 * @param node             which nodes {@code s3jars node-agent} mounts it on, and its cache there
 */
public record Bucket(
        String name,
        Optional<String> region,
        Optional<String> prefix,
        String nodeMountPath,
        Map<String, String> mountReadyLabels,
        Sidecar sidecar,
        Csi csi,
        NodeSide node) {

    /** A bucket with the default claim, {@code s3jars-<bucket>}, mounted on every node. */
    public Bucket(String name, Optional<String> region, Optional<String> prefix, String nodeMountPath,
            Map<String, String> mountReadyLabels, Sidecar sidecar) {
        this(name, region, prefix, nodeMountPath, mountReadyLabels, sidecar, Csi.defaultFor(name), NodeSide.DEFAULT);
    }

    /** Where nodes mount a bucket whose policy names no {@code nodeMountPath}. */
    public static final String DEFAULT_NODE_MOUNT_PATH = "/mnt/s3";

    public static String defaultMountReadyLabel(String bucket) {
        return "mountpoint.s3jars.io/" + bucket;
    }
}
