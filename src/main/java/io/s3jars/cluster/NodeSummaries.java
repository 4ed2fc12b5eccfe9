package io.s3jars.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reduces a node read as a plain JSON tree to the {@link NodeSummary} the webhook keeps. */
public final class NodeSummaries {

    private NodeSummaries() {
    }

    /** A node read as a plain tree (nodes files); {@code watch} reduces the API's typed nodes the same way. */
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
        JsonNode mountPaths = node.path("metadata").path("annotations").path(NodeMountPathAnnotation.KEY);
        return new NodeSummary(node.path("metadata").path("name").asText(), labels, ready,
                node.path("spec").path("unschedulable").asBoolean(false), taints,
                NodeMountPathAnnotation.parse(mountPaths.isTextual() ? mountPaths.asText() : null));
    }

    /** The condition that makes a node Ready: type Ready, status True. */
    public static boolean isReadyTrue(String type, String status) {
        return "Ready".equals(type) && "True".equals(status);
    }
}
