package io.s3jars.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Cluster mode is ready only once every informer has listed its objects; local mode has none. */
@Readiness
@ApplicationScoped
public class InformerReadiness implements HealthCheck {

    private final ClusterMode mode;

    public InformerReadiness(ClusterMode mode) {
        this.mode = mode;
    }

    @Override
    public HealthCheckResponse call() {
        if (mode.cluster().isEmpty()) {
            return HealthCheckResponse.named("s3jars-informers").up().withData("mode", "local").build();
        }
        boolean nodes = mode.cluster().get().nodesSynced();
        boolean namespaces = mode.cluster().get().namespacesSynced();
        boolean policy = mode.policyWatcher().map(w -> w.hasSynced()).orElse(false);
        return HealthCheckResponse.named("s3jars-informers").status(nodes && namespaces && policy)
                .withData("mode", "cluster")
                .withData("nodesSynced", nodes)
                .withData("nodes", mode.cluster().get().nodeCount())
                .withData("namespacesSynced", namespaces)
                .withData("policyConfigMapSynced", policy)
                .build();
    }
}
