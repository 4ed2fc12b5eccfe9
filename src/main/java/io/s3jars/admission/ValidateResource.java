package io.s3jars.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.guard.HostPathGuard;
import io.s3jars.mutation.Decision;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /validate}: edits of the policy ConfigMap are parsed with the loader's own parser,
 * so {@code kubectl apply} of a broken policy fails up front; pod CREATEs go through the hostPath
 * guard. Everything else is allowed untouched.
 */
@Path("/validate")
public class ValidateResource {

    private final PolicyStore policies;
    private final S3JarsConfig config;
    private final AdmissionLog log;

    public ValidateResource(PolicyStore policies, S3JarsConfig config, AdmissionLog log) {
        this.policies = policies;
        this.config = config;
        this.log = log;
    }

    @POST
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response validate(byte[] body) {
        return AdmissionShell.handle(body, "/validate", log, this::decide, "configmaps", "pods");
    }

    private Decision decide(AdmissionRequest request) {
        boolean createOrUpdate = request.isCreate() || "UPDATE".equals(request.operation());
        if (!createOrUpdate) {
            return new Decision.Skip("operation " + request.operation() + " is not reviewed");
        }
        if (request.resource().equals("pods")) {
            if (!request.isCreate()) {
                return new Decision.Skip("pod volumes cannot change after creation");
            }
            // The snapshot first: the paths read afterwards then include all of its own.
            Optional<PolicySnapshot> policy = policies.snapshot();
            return HostPathGuard.check(request.object(), request.namespace(), policy, policies.nodeMountPathsSinceStart())
                    .<Decision>map(d -> d).orElse(new Decision.Skip("no protected hostPath"));
        }
        return policyEdit(request);
    }

    private Decision policyEdit(AdmissionRequest request) {
        String name = request.object().path("metadata").path("name").asText(request.name());
        if (!request.namespace().equals(config.namespace()) || !config.policyConfigMap().name().equals(name)) {
            return new Decision.Skip("not the s3jars policy ConfigMap");
        }
        String key = config.policyConfigMap().key();
        JsonNode document = request.object().path("data").path(key);
        if (!document.isTextual()) {
            return new Decision.Deny(Decision.Deny.INVALID, "ConfigMap " + name + " must hold the policy under data."
                    + key, List.of());
        }
        PolicyResult result = PolicyParser.parse(document.asText());
        if (result instanceof PolicyResult.Invalid invalid) {
            return new Decision.Deny(Decision.Deny.INVALID, "invalid policy in ConfigMap " + name + " (data." + key
                    + "); the last good policy stays in force: " + invalid.summary(), List.of());
        }
        return new Decision.Skip("valid policy");
    }
}
