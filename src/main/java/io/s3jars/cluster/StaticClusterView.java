package io.s3jars.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fixed cluster: for local runs (a nodes file) and tests. Scans its nodes, which is fine for
 * the handful a file holds; the in-cluster view is indexed instead.
 */
public record StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels) implements ClusterView {

    public StaticClusterView {
        nodes = List.copyOf(nodes);
        podSecurityLevels = Map.copyOf(podSecurityLevels);
    }

    public static StaticClusterView ofNodes(List<NodeSummary> nodes) {
        return new StaticClusterView(nodes, Map.of());
    }

    @Override
    public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
        return (int) nodes.stream().filter(n -> n.mountReadyFor(labels, tolerations)).count();
    }

    @Override
    public Optional<String> podSecurityLevel(String namespace) {
        return Optional.ofNullable(podSecurityLevels.get(namespace));
    }
}
