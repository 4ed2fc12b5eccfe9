package io.s3jars.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.mutation.SparkPod;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The node mount is a hostPath: without this check any pod could mount {@code /mnt/s3} (or
 * {@code /mnt}, or {@code /}) itself and read a bucket its namespace may not use. Every hostPath
 * volume of the pod is normalised and compared with each bucket's node mount path; touching it,
 * a folder inside it or a parent of it needs the same grant {@code /mutate} checks.
 *
 * <p>Removing a bucket from the policy does not unmount it from the nodes, so the node mount
 * paths of earlier policies (since start) and the default {@code /mnt/s3} stay protected when no
 * bucket in force uses them: no namespace may mount them. Below such a path, a bucket in force
 * that has its own node mount path deeper down governs that subtree (its mount covers it), so
 * buckets at {@code /mnt/s3/<bucket>} keep working.
 *
 * <p>Paths are compared as written: symbolic links on the node cannot be seen at admission.
 */
public final class HostPathGuard {

    private HostPathGuard() {
    }

    /**
     * The pod's denial, if it mounts a node mount path its namespace and service account may not use.
     *
     * @param policy                   the policy in force, if any
     * @param nodeMountPathsSinceStart every node mount path of every policy loaded since start and
     *                                 the default, as {@link PolicyStore} keeps them
     */
    public static Optional<Decision.Deny> check(ObjectNode podJson, String namespace, Optional<PolicySnapshot> policy,
            Set<String> nodeMountPathsSinceStart) {
        JsonNode volumes = podJson.path("spec").path("volumes");
        if (!volumes.isArray()) {
            return Optional.empty();
        }
        String account = new SparkPod(podJson).serviceAccount();
        SortedSet<String> allowed = policy.map(p -> p.allowedBuckets(namespace, account)).orElse(new TreeSet<>());
        List<ProtectedPath> inForce = protectedPaths(policy);
        Set<String> pathsInForce = policy.map(PolicySnapshot::nodeMountPaths).orElse(new TreeSet<>());
        for (JsonNode volume : volumes) {
            JsonNode path = volume.path("hostPath").path("path");
            if (!path.isTextual()) {
                continue;
            }
            String normalized = normalize(path.asText());
            String what = "hostPath volume " + volume.path("name").asText() + " (" + path.asText() + ") reaches ";
            for (ProtectedPath guarded : inForce) {
                if (overlaps(normalized, guarded.nodePath()) && !allowed.contains(guarded.bucket())) {
                    return Optional.of(new Decision.Deny(DenyCode.FORBIDDEN, what + guarded.nodePath()
                            + ", the node mount of bucket " + guarded.bucket() + ", which namespace " + namespace
                            + " (service account " + account + ") may not use. Label the pod for s3jars"
                            + " (s3jars.io/inject) instead of mounting the node path, or ask for a binding.",
                            List.of(guarded.bucket())));
                }
            }
            for (String retained : nodeMountPathsSinceStart) {
                if (!pathsInForce.contains(retained) && overlaps(normalized, retained)
                        && !coveredByAMountInForce(normalized, retained, pathsInForce)) {
                    return Optional.of(new Decision.Deny(DenyCode.FORBIDDEN, what + retained
                            + ", a node mount path no bucket of the policy in force uses (the default, or an earlier"
                            + " policy's). Nodes may still have a bucket mounted there, so no namespace may mount it"
                            + " until s3jars restarts. Label the pod for s3jars (s3jars.io/inject) instead.",
                            List.of()));
                }
            }
        }
        return Optional.empty();
    }

    /** The same check against what the store holds, read once. */
    public static Optional<Decision.Deny> check(ObjectNode podJson, String namespace, PolicyStore.InForce inForce) {
        return check(podJson, namespace, inForce.policy(), inForce.nodeMountPathsSinceStart());
    }

    private record ProtectedPath(String bucket, String nodePath) {
    }

    private static List<ProtectedPath> protectedPaths(Optional<PolicySnapshot> policy) {
        return policy.map(p -> p.buckets().values().stream()
                .map((Bucket b) -> new ProtectedPath(b.name(), b.nodeMountPath())).toList()).orElse(List.of());
    }

    /**
     * True when {@code path} lies at or below a node mount path in force that is itself below
     * {@code retained}: what the pod sees there is that bucket, which the checks in force govern.
     */
    static boolean coveredByAMountInForce(String path, String retained, Set<String> pathsInForce) {
        return pathsInForce.stream().anyMatch(inForce -> isBelow(inForce, retained)
                && (path.equals(inForce) || isBelow(path, inForce)));
    }

    private static boolean isBelow(String path, String parent) {
        return parent.equals("/") ? !path.equals("/") : path.startsWith(parent + "/");
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
