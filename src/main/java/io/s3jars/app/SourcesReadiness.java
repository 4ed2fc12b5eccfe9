package io.s3jars.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the source in use has synced: in cluster mode, every informer has listed its objects
 * and the watches are not down for long; local files have nothing to wait for. The check keeps
 * its name, {@code s3jars-informers}, which dashboards and alerts already use.
 */
@Readiness
@ApplicationScoped
public class SourcesReadiness implements HealthCheck {

    static final String NAME = "s3jars-informers";

    private final Sources sources;

    public SourcesReadiness(Sources sources) {
        this.sources = sources;
    }

    @Override
    public HealthCheckResponse call() {
        return sources.readiness(HealthCheckResponse.named(NAME)).build();
    }
}
