package io.s3jars.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fixed cluster: for local runs (a nodes file), the {@code inject} command and tests. Indexed
 * like the in-cluster view, so a nodes file of thousands of nodes answers as fast.
 */
public final class StaticClusterView implements ClusterView {

    private final MountReadyIndex nodes;
    private final Map<String, String> podSecurityLevels;
    private final Map<String, GuardMode> guardModes;
    private final boolean csiDriver;

    public StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels) {
        this(nodes, podSecurityLevels, Map.of());
    }

    public StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels,
            Map<String, GuardMode> guardModes) {
        this(nodes, podSecurityLevels, guardModes, false);
    }

    public StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels,
            Map<String, GuardMode> guardModes, boolean csiDriver) {
        this.nodes = MountReadyIndex.of(nodes);
        this.podSecurityLevels = Map.copyOf(podSecurityLevels);
        this.guardModes = Map.copyOf(guardModes);
        this.csiDriver = csiDriver;
    }

    /** What a nodes file says: its nodes, and whether it holds the CSI driver's {@code CSIDriver} object. */
    public static StaticClusterView of(NodeFiles.ClusterState state) {
        return new StaticClusterView(state.nodes(), Map.of(), Map.of(), state.csiDriver());
    }

    public static StaticClusterView ofNodes(List<NodeSummary> nodes) {
        return new StaticClusterView(nodes, Map.of());
    }

    @Override
    public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
        return nodes.mountReadyNodes(labels, tolerations);
    }

    @Override
    public Optional<String> podSecurityLevel(String namespace) {
        return Optional.ofNullable(podSecurityLevels.get(namespace));
    }

    @Override
    public GuardMode guardMode(String namespace) {
        return guardModes.getOrDefault(namespace, GuardMode.PATHS_ONLY);
    }

    @Override
    public boolean csiDriverInstalled() {
        return csiDriver;
    }

    @Override
    public Set<String> nodeMountPaths() {
        return nodes.mountPaths();
    }
}
