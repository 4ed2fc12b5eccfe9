package io.s3jars.policy;

import java.util.Map;

/**
 * What {@code s3jars node-agent} does for a bucket on the nodes.
 *
 * @param selector     labels a node must carry to mount the bucket (every one, with these values);
 *                     empty: every node
 * @param cacheSizeMiB the size limit of the bucket's cache directory on the node
 *                     ({@code mount-s3 --max-cache-size})
 */
public record NodeSide(Map<String, String> selector, long cacheSizeMiB) {

    /** 10 GiB: a node's jar cache shared by every Spark pod on it, so larger than a sidecar's. */
    public static final long DEFAULT_CACHE_SIZE_MIB = 10 * 1024;

    public static final NodeSide DEFAULT = new NodeSide(Map.of(), DEFAULT_CACHE_SIZE_MIB);

    public NodeSide {
        selector = Map.copyOf(selector);
    }

    /** Whether a node with these labels mounts the bucket. */
    public boolean selects(Map<String, String> nodeLabels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(nodeLabels.get(e.getKey())));
    }
}
