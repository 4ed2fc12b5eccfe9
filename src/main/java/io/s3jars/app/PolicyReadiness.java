package io.s3jars.app;

import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only with a policy in force; the last rejected edit shows in the data either way. */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {

    private final PolicyStore store;

    public PolicyReadiness(PolicyStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("s3jars-policy");
        store.loaded().ifPresentOrElse(loaded -> builder.up()
                .withData("origin", loaded.origin())
                .withData("generation", loaded.generation())
                .withData("loadedAt", loaded.loadedAt().toString()), () -> builder.down()
                .withData("problem", "no valid policy loaded yet"));
        store.lastRejection().ifPresent(rejected -> builder
                .withData("lastRejected", rejected.rejectedAt().toString())
                .withData("lastRejectedOrigin", rejected.origin())
                .withData("lastRejectedErrors", rejected.summary()));
        return builder.build();
    }
}
