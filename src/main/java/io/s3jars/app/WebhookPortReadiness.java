package io.s3jars.app;

import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the HTTPS webhook port listens. The management port starts first, so without
 * this check a probe could find the pod ready while the API server's calls are still refused.
 */
@Readiness
@ApplicationScoped
public class WebhookPortReadiness implements HealthCheck {

    private volatile boolean listening;

    void onListening(@ObservesAsync HttpsServerStart started) {
        listening = true;
    }

    @Override
    public HealthCheckResponse call() {
        return listening
                ? HealthCheckResponse.named("s3jars-webhook-port").up().build()
                : HealthCheckResponse.named("s3jars-webhook-port").down()
                        .withData("problem", "the HTTPS webhook port is not listening yet").build();
    }
}
