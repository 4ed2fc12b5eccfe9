package io.s3jars.nodeagent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The node agent's settings, from environment variables (the chart sets them).
 *
 * @param nodeName    {@code NODE_NAME}, from the downward API
 * @param mountS3     {@code S3JARS_MOUNT_S3}, else {@code mount-s3} found on the {@code PATH}
 * @param umount      {@code S3JARS_UMOUNT}, else {@code umount}
 * @param cacheRoot   {@code S3JARS_NODE_AGENT_CACHE_DIR}: each bucket's cache is a directory under it
 * @param mountRoot   {@code S3JARS_NODE_AGENT_MOUNT_ROOT}: the host directory the DaemonSet mounts with
 *                    Bidirectional propagation; a bucket whose node mount path is elsewhere would be
 *                    mounted in the agent's container only, so it is not mounted. Empty: anywhere.
 * @param manageMount {@code S3JARS_NODE_AGENT_MANAGE_MOUNT}: false when node user data mounts the
 *                    buckets and the agent only checks and labels
 * @param interval    {@code S3JARS_NODE_AGENT_INTERVAL_SECONDS}: how often mounts are checked
 * @param checkTimeout {@code S3JARS_NODE_AGENT_CHECK_TIMEOUT_SECONDS}: a mount slower to open is not live
 * @param port        {@code S3JARS_NODE_AGENT_PORT}: health and metrics
 */
record AgentSettings(String nodeName, String mountS3, String umount, Path cacheRoot, Optional<String> mountRoot,
        boolean manageMount, Duration interval, Duration checkTimeout, int port) {

    static final String DEFAULT_CACHE_ROOT = "/var/cache/s3jars";

    /** The settings the environment gives; a missing or malformed one is an {@link IllegalArgumentException} that says which. */
    static AgentSettings fromEnvironment(Map<String, String> env) {
        String node = Optional.ofNullable(env.get("NODE_NAME")).filter(n -> !n.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("NODE_NAME is not set: give the agent its node's name"
                        + " (the chart sets it from the downward API, spec.nodeName)"));
        return new AgentSettings(node,
                env.getOrDefault("S3JARS_MOUNT_S3", "mount-s3"),
                env.getOrDefault("S3JARS_UMOUNT", "umount"),
                Path.of(env.getOrDefault("S3JARS_NODE_AGENT_CACHE_DIR", DEFAULT_CACHE_ROOT)),
                Optional.ofNullable(env.get("S3JARS_NODE_AGENT_MOUNT_ROOT")).map(String::strip).filter(r -> !r.isEmpty())
                        .map(r -> r.length() > 1 && r.endsWith("/") ? r.substring(0, r.length() - 1) : r),
                bool(env, "S3JARS_NODE_AGENT_MANAGE_MOUNT", true),
                Duration.ofMillis(Math.round(1000 * number(env, "S3JARS_NODE_AGENT_INTERVAL_SECONDS", 5, 0.1, 3600))),
                Duration.ofMillis(Math.round(1000 * number(env, "S3JARS_NODE_AGENT_CHECK_TIMEOUT_SECONDS", 5, 0.1, 600))),
                (int) number(env, "S3JARS_NODE_AGENT_PORT", 9000, 0, 65535));
    }

    /** Whether the agent may mount at {@code path}: under the mount root, when there is one. */
    boolean mayMountAt(String path) {
        return mountRoot.map(root -> root.equals("/") || path.startsWith(root + "/")).orElse(true);
    }

    private static boolean bool(Map<String, String> env, String name, boolean otherwise) {
        String value = env.get(name);
        if (value == null) {
            return otherwise;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        };
    }

    private static double number(Map<String, String> env, String name, double otherwise, double min, double max) {
        String value = env.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            double parsed = Double.parseDouble(value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max + ", not '" + value + "'");
    }
}
