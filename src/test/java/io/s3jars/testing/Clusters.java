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
        return delegating(nodes, nodes::guardMode, lookups::incrementAndGet);
    }

    public static ClusterView withGuardModes(ClusterView nodes, Function<String, GuardMode> modes) {
        return delegating(nodes, modes, () -> { });
    }

    private static ClusterView delegating(ClusterView nodes, Function<String, GuardMode> modes, Runnable onLookup) {
        return new ClusterView() {
            @Override
            public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
                onLookup.run();
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

            @Override
            public java.util.Set<String> nodeMountPaths() {
                return nodes.nodeMountPaths();
            }

            @Override
            public io.s3jars.cluster.ClaimPresence claim(String namespace, String name) {
                return nodes.claim(namespace, name);
            }

            @Override
            public boolean managesCsiVolumes() {
                return nodes.managesCsiVolumes();
            }
        };
    }
}
