package io.s3jars.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reduces a fabric8 {@link Node} to the {@link NodeSummary} the webhook keeps. */
public final class NodeSummaries {

    private NodeSummaries() {
    }

    public static NodeSummary of(Node node) {
        Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream().anyMatch(NodeSummaries::isReadyTrue);
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints().stream()
                        .filter(t -> Taint.blocksScheduling(t.getEffect()))
                        .map(t -> new Taint(t.getKey(), t.getValue(), t.getEffect()))
                        .toList();
        return new NodeSummary(node.getMetadata().getName(), labels, ready, unschedulable, taints);
    }

    private static boolean isReadyTrue(NodeCondition condition) {
        return isReadyTrue(condition.getType(), condition.getStatus());
    }

    static boolean isReadyTrue(String type, String status) {
        return "Ready".equals(type) && "True".equals(status);
    }
}
