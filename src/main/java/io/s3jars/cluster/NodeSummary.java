package io.s3jars.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The few facts about a node that decide whether a pod could use its mount: kept instead of the
 * whole Node so that thousands of nodes cost little memory.
 *
 * @param blockingTaints only NoSchedule and NoExecute taints
 * @param mountPaths     bucket mount paths the node's agent records as present ({@link NodeMountPathAnnotation})
 */
public record NodeSummary(String name, Map<String, String> labels, boolean ready, boolean unschedulable,
        List<Taint> blockingTaints, Set<String> mountPaths) {

    public NodeSummary {
        labels = Map.copyOf(labels);
        blockingTaints = List.copyOf(blockingTaints);
        mountPaths = Set.copyOf(mountPaths);
    }

    /** A node whose agent records no mount path. */
    public NodeSummary(String name, Map<String, String> labels, boolean ready, boolean unschedulable,
            List<Taint> blockingTaints) {
        this(name, labels, ready, unschedulable, blockingTaints, Set.of());
    }

    public boolean carries(Map<String, String> required) {
        for (Map.Entry<String, String> label : required.entrySet()) {
            if (!label.getValue().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public boolean schedulable() {
        return ready && !unschedulable;
    }

    public boolean toleratedBy(List<Toleration> tolerations) {
        return allTolerated(blockingTaints, tolerations);
    }

    /** Every taint matched by some toleration: the scheduler's rule, shared with {@link MountReadyIndex}. */
    static boolean allTolerated(Collection<Taint> taints, List<Toleration> tolerations) {
        for (Taint taint : taints) {
            if (tolerations.stream().noneMatch(toleration -> toleration.tolerates(taint))) {
                return false;
            }
        }
        return true;
    }

    public boolean mountReadyFor(Map<String, String> required, List<Toleration> tolerations) {
        return schedulable() && carries(required) && toleratedBy(tolerations);
    }
}
