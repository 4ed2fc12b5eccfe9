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
    private final Optional<Set<String>> claims;
    private final boolean managesCsiVolumes;

    public StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels) {
        this(nodes, podSecurityLevels, Map.of());
    }

    public StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels,
            Map<String, GuardMode> guardModes) {
        this(nodes, podSecurityLevels, guardModes, false);
    }

    public StaticClusterView(List<NodeSummary> nodes, Map<String, String> podSecurityLevels,
            Map<String, GuardMode> guardModes, boolean csiDriver) {
        this(MountReadyIndex.of(nodes), podSecurityLevels, guardModes, csiDriver, Optional.empty(), false);
    }

    private StaticClusterView(MountReadyIndex nodes, Map<String, String> podSecurityLevels,
            Map<String, GuardMode> guardModes, boolean csiDriver, Optional<Set<String>> claims,
            boolean managesCsiVolumes) {
        this.nodes = nodes;
        this.podSecurityLevels = Map.copyOf(podSecurityLevels);
        this.guardModes = Map.copyOf(guardModes);
        this.csiDriver = csiDriver;
        this.claims = claims.map(Set::copyOf);
        this.managesCsiVolumes = managesCsiVolumes;
    }

    /**
     * This view with the claims it knows exist, as {@code namespace/name}, and whether s3jars' csi
     * volume controller runs (for tests of csi mode; offline, claims are {@link ClaimPresence#UNKNOWN}).
     */
    public StaticClusterView withClaims(Set<String> namespacedClaims, boolean managesCsiVolumes) {
        return new StaticClusterView(nodes, podSecurityLevels, guardModes, csiDriver, Optional.of(namespacedClaims),
                managesCsiVolumes);
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

    @Override
    public ClaimPresence claim(String namespace, String name) {
        return claims.map(known -> known.contains(namespace + "/" + name) ? ClaimPresence.PRESENT : ClaimPresence.ABSENT)
                .orElse(ClaimPresence.UNKNOWN);
    }

    @Override
    public boolean managesCsiVolumes() {
        return managesCsiVolumes;
    }
}
