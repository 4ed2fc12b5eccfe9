package io.s3jars.nodeagent;

import io.s3jars.policy.Defaults;
import io.s3jars.policy.Mode;
import io.s3jars.policy.PolicySnapshot;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which buckets a node mounts: every bucket of the policy whose {@code node.selector} the node's
 * labels match, unless the policy can never put a pod in hostpath mode (then no pod would read
 * a node mount, and mounting it would only widen what the node can reach). Pure.
 */
final class NodePlan {

    private NodePlan() {
    }

    /** The node's mounts by bucket name. */
    static SortedMap<String, NodeMount> of(PolicySnapshot policy, Map<String, String> nodeLabels) {
        SortedMap<String, NodeMount> mounts = new TreeMap<>();
        if (!hostPathPossible(policy.defaults())) {
            return mounts;
        }
        policy.buckets().values().stream()
                .filter(bucket -> bucket.node().selects(nodeLabels))
                .forEach(bucket -> mounts.put(bucket.name(), NodeMount.of(bucket)));
        return mounts;
    }

    /** Whether any pod could get hostpath mode: by default, through auto, or by its own annotation. */
    static boolean hostPathPossible(Defaults defaults) {
        return switch (defaults.mode()) {
            case HOSTPATH -> true;
            case AUTO -> defaults.autoOrder().contains(Mode.HOSTPATH) || defaults.allowModeOverride();
            case SIDECAR, CSI -> defaults.allowModeOverride();
        };
    }
}
