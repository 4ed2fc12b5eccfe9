package io.s3jars.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.guard.baseline.GuardedPod;
import io.s3jars.guard.baseline.HostPaths;
import io.s3jars.guard.baseline.Violation;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node mount paths, guarded in every namespace: a bucket mounted on the node is a directory
 * any pod with a hostPath could read, whatever bucket its namespace may use. A hostPath volume
 * that s3jars did not inject (the carve-out takes those out first) is refused when it is a node
 * mount path, a folder inside one, or a parent of one, for every node mount path any policy has
 * declared (buckets removed from the policy are not unmounted from the nodes), and when it
 * reaches {@code /proc} or {@code /var/lib/kubelet}, where the buckets have other names.
 *
 * <p>Paths are compared after lexical normalisation. A symbolic link on the node cannot be seen at
 * admission; in s3jars namespaces Pod Security baseline refuses every other hostPath, and outside
 * them Pod Security baseline must be the boundary (docs/security.md).
 */
public final class HostPathGuard {

    static final String CONTROL = "nodeMountPaths";
    /**
     * Roots through which a node's buckets are readable by other names: {@code /proc/1/root} is
     * the node's whole filesystem, and a sidecar's FUSE mount appears under the kubelet's pod
     * folders ({@code /var/lib/kubelet/pods/<uid>/volumes/...}).
     */
    private static final List<Map.Entry<String, String>> OTHER_NAMES = List.of(
            Map.entry("/proc", "the node's whole filesystem is readable through /proc"),
            Map.entry("/var/lib/kubelet", "every pod's volumes, sidecar bucket mounts included, are there"));

    private HostPathGuard() {
    }

    /**
     * @param pod             the pod without the volumes s3jars injected
     * @param nodeMountPaths  every node mount path of every policy known, and the default
     * @param policy          the policy in force, to name the bucket of a path in messages
     * @param procAllowed     true in namespaces exempt from the guard, where trusted node agents
     *                        may mount {@code /proc} and {@code /var/lib/kubelet}
     */
    static List<Violation> check(GuardedPod pod, Set<String> nodeMountPaths, Optional<PolicySnapshot> policy,
            boolean procAllowed) {
        Map<String, String> bucketOfPath = new HashMap<>();
        policy.ifPresent(p -> p.buckets().values().forEach((Bucket b) -> bucketOfPath.put(b.nodeMountPath(), b.name())));
        List<Violation> violations = new ArrayList<>();
        for (ObjectNode volume : pod.volumes()) {
            JsonNode hostPath = volume.get("hostPath");
            if (hostPath == null || hostPath.isNull()) {
                continue;
            }
            String where = "volume " + Violation.quoted(volume.path("name").asText()) + " hostPath";
            String path = GuardedPod.text(GuardedPod.object(hostPath, where), "path", where);
            if (path == null) {
                continue; // the API server refuses a hostPath without a path before validating webhooks run
            }
            String normalized = normalize(path);
            Optional<Map.Entry<String, String>> otherName = procAllowed ? Optional.empty()
                    : OTHER_NAMES.stream().filter(root -> overlaps(normalized, root.getKey())).findFirst();
            if (otherName.isPresent()) {
                violations.add(new Violation(CONTROL, where + " " + Violation.quoted(path) + " reaches "
                        + otherName.get().getKey() + ": " + otherName.get().getValue()));
                continue;
            }
            for (String nodeMountPath : nodeMountPaths) {
                if (overlaps(normalized, nodeMountPath)) {
                    String bucket = bucketOfPath.get(nodeMountPath);
                    violations.add(new Violation(CONTROL, where + " " + Violation.quoted(path) + " reaches "
                            + nodeMountPath + (bucket == null ? ", a node mount path of an earlier policy or the default"
                            : ", the node mount of bucket " + bucket) + "; label the pod for s3jars"
                            + " (s3jars.io/inject) instead of mounting the node path"));
                    break;
                }
            }
        }
        return violations;
    }

    /** True when one path is the other, or contains it. */
    static boolean overlaps(String path, String nodePath) {
        return path.equals(nodePath) || path.equals("/") || nodePath.startsWith(path + "/")
                || path.startsWith(nodePath + "/");
    }

    /** As {@link HostPaths#normalize}: the guard's one way of reading a host path. */
    static String normalize(String path) {
        return HostPaths.normalize(path);
    }
}
