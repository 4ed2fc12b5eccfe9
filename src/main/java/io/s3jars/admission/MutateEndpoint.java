package io.s3jars.admission;

import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** {@code POST /mutate}: pod CREATEs go to the engine; everything else is allowed untouched. */
@ApplicationScoped
public class MutateEndpoint {

    private final MutationEngine engine;
    private final PolicyStore policies;
    private final ClusterView cluster;

    public MutateEndpoint(MutationEngine engine, PolicyStore policies, ClusterView cluster) {
        this.engine = engine;
        this.policies = policies;
        this.cluster = cluster;
    }

    void register(@Observes Router router, AdmissionLog log,
            VertxHttpConfig http) {
        AdmissionRoute.register(router, "/mutate", AdmissionRoute.maxBodyBytes(http), log,
                ReviewReader.forMutate(engine.limits()), this::decide, "pods");
    }

    Decision decide(AdmissionRequest request) {
        return request.isCreate()
                ? engine.decide(request.object(), request.namespace(), policies.snapshot(), cluster)
                : new Decision.Skip("operation " + request.operation() + " is not reviewed");
    }
}
