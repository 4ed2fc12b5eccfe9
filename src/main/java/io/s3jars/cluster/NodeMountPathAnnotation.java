package io.s3jars.cluster;

import io.s3jars.policy.NodeMountPaths;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node annotation where {@code s3jars node-agent} records the bucket mount paths present on
 * its node. The webhook's guard protects every path found on any node, so its protection rests on
 * what nodes really mount, survives webhook restarts and is the same on every replica.
 *
 * <p>A node's annotation is read strictly: at most {@link #MAX_PATHS} absolute, normalised paths,
 * none a system path (a path such as {@code /} would otherwise make every hostPath a bucket's).
 * Whatever else it holds is ignored.
 */
public final class NodeMountPathAnnotation {

    public static final String KEY = "s3jars.io/node-mount-paths";
    public static final int MAX_PATHS = 64;
    private static final int MAX_PATH_LENGTH = 4096;

    private NodeMountPathAnnotation() {
    }

    /** The paths an annotation value records; empty for a missing or unreadable value. */
    public static Set<String> parse(String value) {
        Set<String> paths = new TreeSet<>();
        if (value == null) {
            return paths;
        }
        for (String line : value.split("\n", MAX_PATHS + 1)) {
            String path = line.strip();
            if (paths.size() < MAX_PATHS && acceptable(path)) {
                paths.add(path);
            }
        }
        return paths;
    }

    /** The annotation value for these paths: one per line, sorted. */
    public static String format(Set<String> paths) {
        return String.join("\n", new TreeSet<>(paths));
    }

    private static boolean acceptable(String path) {
        return path.length() <= MAX_PATH_LENGTH && NodeMountPaths.problem(path).isEmpty();
    }
}
