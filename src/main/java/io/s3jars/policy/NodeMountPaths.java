package io.s3jars.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The node mount paths of a policy's buckets must not meet. A pod granted a bucket gets its node
 * mount path as a hostPath, and a hostPath shows the mounts below it: a path equal to another
 * bucket's, or above or below it, would show that pod the other bucket too. Checked for the whole
 * policy, not per pod, and whatever the mode: the guard protects these paths in every mode.
 */
public final class NodeMountPaths {

    /**
     * One bucket's node mount path, as the document gives it.
     *
     * @param path      the bucket's field path, such as {@code buckets[1]}
     * @param byDefault the bucket sets no {@code nodeMountPath} and gets the default
     */
    record Declared(String path, String bucket, String nodeMountPath, boolean byDefault) {
    }

    private NodeMountPaths() {
    }

    /** Why {@code path} cannot be a node mount path, if it cannot: not absolute and normal, or a system path. */
    public static Optional<String> problem(String path) {
        return Names.absolutePathProblem(path).or(() -> SystemPaths.problem(path, SystemPaths.Side.NODE));
    }

    /**
     * One error for each bucket whose path meets an earlier bucket's, naming the first it meets:
     * the same path, else the nearest one above it, else one below it.
     */
    static List<String> overlaps(List<Declared> buckets) {
        List<String> errors = new ArrayList<>();
        TreeMap<String, Declared> earlier = new TreeMap<>();
        for (Declared bucket : buckets) {
            String path = bucket.nodeMountPath();
            Optional<String> problem = Optional.ofNullable(earlier.get(path)).map(same -> problem(bucket, Meets.SAME, same))
                    .or(() -> above(path, earlier).map(parent -> problem(bucket, Meets.UNDER, parent)))
                    .or(() -> below(path, earlier).map(child -> problem(bucket, Meets.CONTAINS, child)));
            problem.ifPresent(errors::add);
            earlier.putIfAbsent(path, bucket);
        }
        return errors;
    }

    /** The nearest earlier path that {@code path} lies under, by whole segments. */
    private static Optional<Declared> above(String path, Map<String, Declared> earlier) {
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            Declared parent = earlier.get(path.substring(0, slash));
            if (parent != null) {
                return Optional.of(parent);
            }
        }
        return Optional.empty();
    }

    /** An earlier path under {@code path}: the first at or after {@code path + "/"} in sort order, if any is. */
    private static Optional<Declared> below(String path, TreeMap<String, Declared> earlier) {
        Map.Entry<String, Declared> child = earlier.ceilingEntry(path + "/");
        return child != null && child.getKey().startsWith(path + "/") ? Optional.of(child.getValue()) : Optional.empty();
    }

    /** How a bucket's path meets an earlier one's. */
    private enum Meets { SAME, UNDER, CONTAINS }

    private static String problem(Declared bucket, Meets meets, Declared other) {
        String subject = bucket.byDefault()
                ? bucket.path() + ".nodeMountPath is not set: the default " + bucket.nodeMountPath()
                : bucket.path() + ".nodeMountPath '" + bucket.nodeMountPath() + "'";
        String mine = "'" + bucket.bucket() + "'";
        String theirs = "'" + other.bucket() + "'";
        String relation = switch (meets) {
            case SAME -> "is also";
            case UNDER -> "is under " + other.nodeMountPath() + ",";
            case CONTAINS -> "contains " + other.nodeMountPath() + ",";
        };
        String exposure = switch (meets) {
            case SAME -> theirs + " or " + mine + " could read the other";
            case UNDER -> theirs + " could read " + mine + " too";
            case CONTAINS -> mine + " could read " + theirs + " too";
        };
        return subject + " " + relation + " the nodeMountPath of bucket " + theirs + " (" + other.path()
                + (other.byDefault() ? ", by default" : "") + "), so a pod granted " + exposure
                + "; give each bucket its own nodeMountPath, outside the others' (such as /mnt/s3-" + bucket.bucket() + ")";
    }
}
