package io.s3jars.testing;

import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Cluster views for tests: the nodes of one view, with the namespaces' guard modes the test needs. */
public final class Clusters {

    private Clusters() {
    }

    /** The view of {@code nodes}, counting its lookups of mount-ready nodes in {@code lookups}. */
    public static ClusterView countingLookups(ClusterView nodes, AtomicInteger lookups) {
        return new ClusterView() {
            @Override
            public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
                lookups.incrementAndGet();
                return nodes.mountReadyNodes(labels, tolerations);
            }

            @Override
            public Optional<String> podSecurityLevel(String namespace) {
                return nodes.podSecurityLevel(namespace);
            }

            @Override
            public GuardMode guardMode(String namespace) {
                return nodes.guardMode(namespace);
            }

            @Override
            public boolean csiDriverInstalled() {
                return nodes.csiDriverInstalled();
            }
        };
    }

    public static ClusterView withGuardModes(ClusterView nodes, Function<String, GuardMode> modes) {
        return new ClusterView() {
            @Override
            public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
                return nodes.mountReadyNodes(labels, tolerations);
            }

            @Override
            public Optional<String> podSecurityLevel(String namespace) {
                return nodes.podSecurityLevel(namespace);
            }

            @Override
            public GuardMode guardMode(String namespace) {
                return modes.apply(namespace);
            }

            @Override
            public boolean csiDriverInstalled() {
                return nodes.csiDriverInstalled();
            }
        };
    }
}
