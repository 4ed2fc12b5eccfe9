package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.Node;
import io.s3jars.cluster.NodeMountPathAnnotation;
import io.s3jars.cluster.NodeSummaries;
import io.s3jars.cluster.NodeSummary;
import io.s3jars.cluster.Taint;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reduces a node as the informer delivers it to the {@link NodeSummary} the webhook keeps, as {@link NodeSummaries} does for files. */
final class ApiNodes {

    private ApiNodes() {
    }

    static NodeSummary summary(Node node) {
        Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> NodeSummaries.isReadyTrue(c.getType(), c.getStatus()));
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints().stream()
                        .filter(t -> Taint.blocksScheduling(t.getEffect()))
                        .map(t -> new Taint(t.getKey(), t.getValue(), t.getEffect()))
                        .toList();
        Map<String, String> annotations = Optional.ofNullable(node.getMetadata().getAnnotations()).orElse(Map.of());
        return new NodeSummary(node.getMetadata().getName(), labels, ready, unschedulable, taints,
                NodeMountPathAnnotation.parse(annotations.get(NodeMountPathAnnotation.KEY)));
    }
}
