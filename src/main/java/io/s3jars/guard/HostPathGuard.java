package io.s3jars.guard;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.mutation.Decision;
import io.s3jars.mutation.SparkPod;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicySnapshot;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The node mount is a hostPath: without this check any pod could mount {@code /mnt/s3} (or
 * {@code /mnt}, or {@code /}) itself and read a bucket its namespace may not use. Every hostPath
 * volume of the pod is normalised and compared with each bucket's node mount path; touching it,
 * a folder inside it or a parent of it needs the same grant {@code /mutate} checks.
 *
 * <p>Paths are compared as written: symbolic links on the node cannot be seen at admission.
 */
public final class HostPathGuard {

    /** Protected when no policy was ever loaded: the default node mount path. */
    static final String DEFAULT_NODE_MOUNT_PATH = "/mnt/s3";

    private HostPathGuard() {
    }

    /** The pod's denial, if it mounts a bucket's node path its namespace and service account may not use. */
    public static Optional<Decision.Deny> check(JsonNode podJson, String namespace, Optional<PolicySnapshot> policy) {
        JsonNode volumes = podJson.path("spec").path("volumes");
        if (!volumes.isArray()) {
            return Optional.empty();
        }
        String account = new SparkPod((com.fasterxml.jackson.databind.node.ObjectNode) podJson).serviceAccount();
        SortedSet<String> allowed = policy.map(p -> p.allowedBuckets(namespace, account)).orElse(new TreeSet<>());
        for (JsonNode volume : volumes) {
            JsonNode path = volume.path("hostPath").path("path");
            if (!path.isTextual()) {
                continue;
            }
            String normalized = normalize(path.asText());
            for (ProtectedPath guarded : protectedPaths(policy)) {
                String bucket = guarded.bucket();
                String nodePath = guarded.nodePath();
                if (overlaps(normalized, nodePath) && !allowed.contains(bucket)) {
                    return Optional.of(new Decision.Deny(Decision.Deny.FORBIDDEN, "hostPath volume "
                            + volume.path("name").asText() + " (" + path.asText() + ") reaches " + nodePath
                            + ", the node mount of bucket " + bucket + ", which namespace " + namespace
                            + " (service account " + account + ") may not use. Label the pod for s3jars"
                            + " (s3jars.io/inject) instead of mounting the node path, or ask for a binding.",
                            List.of(bucket)));
                }
            }
        }
        return Optional.empty();
    }

    private record ProtectedPath(String bucket, String nodePath) {
    }

    private static List<ProtectedPath> protectedPaths(Optional<PolicySnapshot> policy) {
        if (policy.isEmpty()) {
            return List.of(new ProtectedPath("(any: no policy is loaded)", DEFAULT_NODE_MOUNT_PATH));
        }
        return policy.get().buckets().values().stream()
                .map((Bucket b) -> new ProtectedPath(b.name(), b.nodeMountPath())).toList();
    }

    /** True when one path is the other, or contains it. */
    static boolean overlaps(String path, String nodePath) {
        return path.equals(nodePath) || path.equals("/") || nodePath.startsWith(path + "/")
                || path.startsWith(nodePath + "/");
    }

    /** Lexical normalisation: '//' collapsed, '.' dropped, '..' applied, no trailing '/'; '..' never climbs above '/'. */
    static String normalize(String path) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }
}
