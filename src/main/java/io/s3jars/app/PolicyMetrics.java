package io.s3jars.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Policy state as metrics: what generation is in force, since when, and how many edits were refused. */
@ApplicationScoped
public class PolicyMetrics {

    void register(@Observes StartupEvent event, MeterRegistry registry, PolicyStore store) {
        Gauge.builder("s3jars.policy.generation", store, s -> s.loaded().map(l -> (double) l.generation()).orElse(0.0))
                .description("Generation of the policy in force; 0 when none was ever loaded")
                .register(registry);
        Gauge.builder("s3jars.policy.last.reload.timestamp.seconds", store,
                        s -> s.loaded().map(l -> l.loadedAt().toEpochMilli() / 1000.0).orElse(0.0))
                .description("When the policy in force was loaded")
                .register(registry);
        FunctionCounter.builder("s3jars.policy.reload.failures", store, PolicyStore::rejectionCount)
                .description("Policy documents refused (invalid, missing key, ConfigMap deleted)")
                .register(registry);
    }
}
