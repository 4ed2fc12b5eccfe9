package io.s3jars.cluster;

import java.util.List;
import java.util.Map;

/**
 * The few facts about a node that decide whether a pod could use its mount: kept instead of the
 * whole Node so that thousands of nodes cost little memory.
 *
 * @param blockingTaints only NoSchedule and NoExecute taints
 */
public record NodeSummary(String name, Map<String, String> labels, boolean ready, boolean unschedulable,
        List<Taint> blockingTaints) {

    public NodeSummary {
        labels = Map.copyOf(labels);
        blockingTaints = List.copyOf(blockingTaints);
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
        for (Taint taint : blockingTaints) {
            if (!tolerated(taint, tolerations)) {
                return false;
            }
        }
        return true;
    }

    static boolean tolerated(Taint taint, List<Toleration> tolerations) {
        for (Toleration toleration : tolerations) {
            if (toleration.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }

    public boolean mountReadyFor(Map<String, String> required, List<Toleration> tolerations) {
        return schedulable() && carries(required) && toleratedBy(tolerations);
    }
}
