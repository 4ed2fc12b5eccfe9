package io.s3jars.nodeagent;

import io.s3jars.policy.Bucket;
import java.util.Map;
import java.util.Optional;

/**
 * One bucket as a node mounts it: what {@code mount-s3} needs, and the labels that say the mount
 * is live.
 */
record NodeMount(String bucket, String path, Optional<String> region, Optional<String> prefix, long cacheSizeMiB,
        Map<String, String> readyLabels) {

    NodeMount {
        readyLabels = Map.copyOf(readyLabels);
    }

    /** Whether {@code other} is mounted the same way (it may say so with other labels). */
    boolean sameMountAs(NodeMount other) {
        return other != null && bucket.equals(other.bucket) && path.equals(other.path) && region.equals(other.region)
                && prefix.equals(other.prefix) && cacheSizeMiB == other.cacheSizeMiB;
    }

    static NodeMount of(Bucket bucket) {
        return new NodeMount(bucket.name(), bucket.nodeMountPath(), bucket.region(), bucket.prefix(),
                bucket.node().cacheSizeMiB(), bucket.mountReadyLabels());
    }
}
