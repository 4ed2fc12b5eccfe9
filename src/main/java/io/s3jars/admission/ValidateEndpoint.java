package io.s3jars.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.decision.Bounded;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.mutation.PodContract;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicyStore;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /validate}, the one validating endpoint; the request's resource, subresource and
 * namespace decide what is checked. Edits of the policy ConfigMap are parsed with the loader's
 * own parser, so {@code kubectl apply} of a broken policy fails up front. A pod CREATE, the pod of
 * a {@code pods/ephemeralcontainers} UPDATE ({@code kubectl debug} adds containers that way), and
 * a pod UPDATE that changes a container's image (the one part of a running pod's containers that
 * can change: swapping the sidecar's image would run other code privileged) go through the pod
 * guard. Everything else is allowed untouched. Answered on the event loop, as {@code /mutate} is.
 */
@Path("/validate")
@Singleton
public class ValidateEndpoint {

    static final String EPHEMERAL_CONTAINERS = "ephemeralcontainers";
    static final String EXEC = "exec";
    static final String ATTACH = "attach";

    private final PolicyStore policies;
    private final S3JarsConfig config;
    private final ClusterView cluster;
    private final PodGuard guard;
    private final AdmissionExchange exchange;
    private final LargeReviews large;

    public ValidateEndpoint(PolicyStore policies, S3JarsConfig config, ClusterView cluster, MutationEngine engine,
            AdmissionLog log, LargeReviews large) {
        this.large = large;
        this.policies = policies;
        this.config = config;
        this.cluster = cluster;
        this.guard = new PodGuard(engine, config.guard().baseline());
        this.exchange = new AdmissionExchange("/validate", log, ReviewReader.forValidate(engine.limits()),
                this::decide, "configmaps", "pods");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Uni<byte[]> review(byte[] body) {
        return large.answer(body.length, () -> exchange.answer(body));
    }

    Decision decide(AdmissionRequest request) {
        if (request.resource().equals("pods") && "CONNECT".equals(request.operation())) {
            return connect(request);
        }
        if (request.resource().equals("pods")) {
            boolean create = request.isCreate() && request.subResource().isEmpty();
            boolean debug = "UPDATE".equals(request.operation()) && EPHEMERAL_CONTAINERS.equals(request.subResource());
            boolean update = "UPDATE".equals(request.operation()) && request.subResource().isEmpty();
            if (update && request.oldObject() != null && Images.same(request.oldObject(), request.object())) {
                return new Decision.Skip("pod update changes no container image");
            }
            if (!create && !debug && !update) {
                return new Decision.Skip("pod " + request.operation().toLowerCase(Locale.ROOT)
                        + (request.subResource().isEmpty() ? "" : " of " + request.subResource()) + " is not reviewed");
            }
            return guard.check(request.object(), request.namespace(), policies.inForce(), cluster);
        }
        if (!request.isCreate() && !"UPDATE".equals(request.operation())) {
            return new Decision.Skip("operation " + request.operation() + " is not reviewed");
        }
        return policyEdit(request);
    }

    /**
     * {@code kubectl exec} or {@code attach} into a container s3jars injected is refused in an
     * enforcing s3jars namespace: the sidecar runs privileged, so a shell in it is root on the node.
     */
    private Decision connect(AdmissionRequest request) {
        String container = request.object() == null ? "" : request.object().path("container").asText("");
        boolean intoS3jars = (EXEC.equals(request.subResource()) || ATTACH.equals(request.subResource()))
                && container.startsWith(PodContract.NAME_PREFIX);
        if (intoS3jars && cluster.guardMode(request.namespace()) == GuardMode.ENFORCE) {
            return new Decision.Deny(DenyCode.FORBIDDEN, request.subResource() + " into container "
                    + Bounded.text(container) + " of pod " + Bounded.text(request.name()) + " is refused: s3jars"
                    + " injected it and it runs privileged; debug the Spark containers instead", List.of());
        }
        return new Decision.Skip("not into a container s3jars injected");
    }

    private Decision policyEdit(AdmissionRequest request) {
        String name = request.object().path("metadata").path("name").asText(request.name());
        if (!request.namespace().equals(config.namespace()) || !config.policyConfigMap().name().equals(name)) {
            return new Decision.Skip("not the s3jars policy ConfigMap");
        }
        String key = config.policyConfigMap().key();
        JsonNode document = request.object().path("data").path(key);
        if (!document.isTextual()) {
            return new Decision.Deny(DenyCode.INVALID, "ConfigMap " + name + " must hold the policy under data."
                    + key, List.of());
        }
        PolicyResult result = PolicyParser.parse(document.asText());
        if (result instanceof PolicyResult.Invalid invalid) {
            return new Decision.Deny(DenyCode.INVALID, "invalid policy in ConfigMap " + name + " (data." + key
                    + "); the last good policy stays in force: " + invalid.summary(), List.of());
        }
        return new Decision.Skip("valid policy");
    }
}
