package io.s3jars.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** A cluster view replaced whole when its source changes (local mode: the nodes file). */
public final class SwappableClusterView implements ClusterView {

    private final AtomicReference<ClusterView> current;

    public SwappableClusterView(ClusterView initial) {
        this.current = new AtomicReference<>(initial);
    }

    public void replace(ClusterView next) {
        current.set(next);
    }

    @Override
    public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
        return current.get().mountReadyNodes(labels, tolerations);
    }

    @Override
    public Optional<String> podSecurityLevel(String namespace) {
        return current.get().podSecurityLevel(namespace);
    }

    @Override
    public GuardMode guardMode(String namespace) {
        return current.get().guardMode(namespace);
    }

    @Override
    public boolean csiDriverInstalled() {
        return current.get().csiDriverInstalled();
    }

    @Override
    public Set<String> nodeMountPaths() {
        return current.get().nodeMountPaths();
    }

    @Override
    public ClaimPresence claim(String namespace, String name) {
        return current.get().claim(namespace, name);
    }

    @Override
    public boolean managesCsiVolumes() {
        return current.get().managesCsiVolumes();
    }
}
