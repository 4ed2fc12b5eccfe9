package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.s3jars.cluster.ClusterView;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.mutation.PodLimits;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Turns the pure classes into beans, and makes the one choice of where the policy and the cluster
 * come from: a policy file means local files, no policy file means the API server. Nothing else
 * asks which it is.
 */
@Singleton
public class Wiring {

    @Produces
    @Singleton
    MutationEngine engine(S3JarsConfig config) {
        S3JarsConfig.Limits limits = config.limits();
        return new MutationEngine(new PodLimits(limits.maxContainers(), limits.maxVolumes(), limits.maxVolumeMounts(),
                limits.maxPatchOperations(), limits.maxSchedulingTerms()));
    }

    @Produces
    @Singleton
    PolicyStore policyStore() {
        return new PolicyStore();
    }

    /** The client is created only for the cluster source: local runs never touch an API server. */
    @Produces
    @Singleton
    Sources sources(S3JarsConfig config, Instance<KubernetesClient> client) {
        return config.policyFile().<Sources>map(policy -> new LocalSources(policy, config.nodesFile()))
                .orElseGet(() -> new ClusterSources(client.get(), config, Clock.systemUTC()));
    }

    @Produces
    @Singleton
    ClusterView clusterView(Sources sources) {
        return sources.view();
    }

    /** Default priority: before the observers that expect a local policy file already loaded. */
    void start(@Observes StartupEvent event, Sources sources, PolicyStore store) {
        sources.start(store);
    }

    void stop(@Observes ShutdownEvent event, Sources sources) {
        sources.stop();
    }
}
