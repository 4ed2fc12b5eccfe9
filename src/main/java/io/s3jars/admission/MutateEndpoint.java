package io.s3jars.admission;

import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /mutate}: pod CREATEs go to the engine; everything else is allowed untouched.
 * Answered on the event loop: a decision is pure CPU over in-memory state.
 */
@Path("/mutate")
@Singleton
public class MutateEndpoint {

    private final MutationEngine engine;
    private final PolicyStore policies;
    private final ClusterView cluster;
    private final AdmissionExchange exchange;
    private final LargeReviews large;

    public MutateEndpoint(MutationEngine engine, PolicyStore policies, ClusterView cluster, AdmissionLog log,
            LargeReviews large) {
        this.large = large;
        this.engine = engine;
        this.policies = policies;
        this.cluster = cluster;
        this.exchange = new AdmissionExchange("/mutate", log, ReviewReader.forMutate(engine.limits()), this::decide,
                "pods");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Uni<byte[]> review(byte[] body) {
        return large.answer(body.length, () -> exchange.answer(body));
    }

    Decision decide(AdmissionRequest request) {
        return request.isCreate()
                ? engine.decide(request.object(), request.namespace(), policies.snapshot(), cluster)
                : new Decision.Skip("operation " + request.operation() + " is not reviewed");
    }
}
