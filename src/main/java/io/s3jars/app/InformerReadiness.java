package io.s3jars.app;

import io.s3jars.cluster.InformerClusterView;
import io.s3jars.config.S3JarsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Cluster mode is ready once every informer has listed its objects. A short API server outage
 * changes nothing (the caches keep serving and the watches reconnect), but after
 * {@link #MAX_DISCONNECTED} without a watch the caches may be stale enough to matter, and the
 * pod says so by turning not ready. Local mode (a policy file) has no informers. The mode comes
 * from the configuration, not from whether the informers exist: in cluster mode they do not until
 * the startup event, and that is "not synced", not "local".
 */
@Readiness
@ApplicationScoped
public class InformerReadiness implements HealthCheck {

    static final Duration MAX_DISCONNECTED = Duration.ofMinutes(5);

    private final ClusterMode mode;
    private final S3JarsConfig config;
    private volatile Instant disconnectedSince;

    public InformerReadiness(ClusterMode mode, S3JarsConfig config) {
        this.mode = mode;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (config.policyFile().isPresent()) {
            return HealthCheckResponse.named("s3jars-informers").up().withData("mode", "local").build();
        }
        if (mode.cluster().isEmpty()) {
            return HealthCheckResponse.named("s3jars-informers").down().withData("mode", "cluster")
                    .withData("problem", "informers not started yet").build();
        }
        InformerClusterView cluster = mode.cluster().get();
        boolean nodes = cluster.nodesSynced();
        boolean namespaces = cluster.namespacesSynced();
        boolean policy = mode.policyWatcher().map(w -> w.hasSynced()).orElse(false);
        boolean watching = cluster.watching() && mode.policyWatcher().map(w -> w.watching()).orElse(false);
        Instant now = Instant.now();
        if (watching) {
            disconnectedSince = null;
        } else if (disconnectedSince == null) {
            disconnectedSince = now;
        }
        boolean staleTooLong = disconnectedSince != null
                && Duration.between(disconnectedSince, now).compareTo(MAX_DISCONNECTED) > 0;
        return HealthCheckResponse.named("s3jars-informers").status(nodes && namespaces && policy && !staleTooLong)
                .withData("watching", watching)
                .withData("disconnectedSince", disconnectedSince == null ? "" : disconnectedSince.toString())
                .withData("mode", "cluster")
                .withData("nodesSynced", nodes)
                .withData("nodes", cluster.nodeCount())
                .withData("namespacesSynced", namespaces)
                .withData("policyConfigMapSynced", policy)
                .build();
    }
}
