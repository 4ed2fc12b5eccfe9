package io.s3jars.admission;

import io.s3jars.cluster.ClusterView;
import io.s3jars.mutation.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /mutate}: transport only. The engine does the work; this parses the review,
 * answers 400 to bad input and hands the decision back. Runs on the event loop: the engine is
 * pure CPU over in-memory state and never blocks.
 */
@Path("/mutate")
public class MutateResource {

    private final MutationEngine engine;
    private final PolicyStore policies;
    private final ClusterView cluster;
    private final AdmissionLog log;

    public MutateResource(MutationEngine engine, PolicyStore policies, ClusterView cluster, AdmissionLog log) {
        this.engine = engine;
        this.policies = policies;
        this.cluster = cluster;
        this.log = log;
    }

    @POST
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response mutate(byte[] body) {
        return AdmissionShell.handle(body, "/mutate", log, request -> request.isCreate()
                ? engine.decide(request.object(), request.namespace(), policies.snapshot(), cluster)
                : new Decision.Skip("operation " + request.operation() + " is not reviewed"), "pods");
    }
}
