package io.s3jars.testing;

import io.s3jars.cluster.NodeSummary;
import io.s3jars.cluster.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Node summaries for cluster views in tests. */
public final class Nodes {

    public static final Map<String, String> JARS_READY = Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready");

    private Nodes() {
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
