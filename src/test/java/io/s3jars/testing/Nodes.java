package io.s3jars.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.s3jars.cluster.NodeSummary;
import io.s3jars.cluster.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Nodes for cluster views and the mock API server in tests. */
public final class Nodes {

    public static final Map<String, String> JARS_READY = Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready");

    private Nodes() {
    }

    /** A Ready node as the API server holds it. */
    public static Node readyNode(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
    }

    public static NodeSummary ready(String name, Map<String, String> labels) {
        return new NodeSummary(name, labels, true, false, List.of());
    }

    public static NodeSummary tainted(String name, Map<String, String> labels, String key, String effect) {
        return new NodeSummary(name, labels, true, false, List.of(new Taint(key, "", effect)));
    }

    public static List<NodeSummary> readyNodes(int count, Map<String, String> labels) {
        List<NodeSummary> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(ready("node-" + i, labels));
        }
        return nodes;
    }
}
