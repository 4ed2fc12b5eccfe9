package io.s3jars.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reduces a node, a fabric8 {@link Node} or a plain JSON tree, to the {@link NodeSummary} the webhook keeps. */
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

    /** The same reduction from a node read as a plain tree (nodes files). */
    public static NodeSummary of(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        boolean ready = false;
        for (JsonNode condition : node.path("status").path("conditions")) {
            ready |= isReadyTrue(condition.path("type").asText(), condition.path("status").asText());
        }
        List<Taint> taints = new ArrayList<>();
        for (JsonNode taint : node.path("spec").path("taints")) {
            String effect = taint.path("effect").asText();
            if (Taint.blocksScheduling(effect)) {
                taints.add(new Taint(taint.path("key").asText(null), taint.path("value").asText(null), effect));
            }
        }
        return new NodeSummary(node.path("metadata").path("name").asText(), labels, ready,
                node.path("spec").path("unschedulable").asBoolean(false), taints);
    }

    private static boolean isReadyTrue(NodeCondition condition) {
        return isReadyTrue(condition.getType(), condition.getStatus());
    }

    private static boolean isReadyTrue(String type, String status) {
        return "Ready".equals(type) && "True".equals(status);
    }
}
