package io.s3jars.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.guard.HostPathGuard;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicyStore;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * {@code POST /validate}: edits of the policy ConfigMap are parsed with the loader's own parser,
 * so {@code kubectl apply} of a broken policy fails up front; pod CREATEs go through the hostPath
 * guard. Everything else is allowed untouched.
 */
@ApplicationScoped
public class ValidateEndpoint {

    private final PolicyStore policies;
    private final S3JarsConfig config;

    public ValidateEndpoint(PolicyStore policies, S3JarsConfig config) {
        this.policies = policies;
        this.config = config;
    }

    void register(@Observes Router router, AdmissionLog log,
            VertxHttpConfig http) {
        AdmissionRoute.register(router, "/validate", AdmissionRoute.maxBodyBytes(http), log, this::decide, "configmaps", "pods");
    }

    Decision decide(AdmissionRequest request) {
        boolean createOrUpdate = request.isCreate() || "UPDATE".equals(request.operation());
        if (!createOrUpdate) {
            return new Decision.Skip("operation " + request.operation() + " is not reviewed");
        }
        if (request.resource().equals("pods")) {
            if (!request.isCreate()) {
                return new Decision.Skip("pod volumes cannot change after creation");
            }
            return HostPathGuard.check(request.object(), request.namespace(), policies.inForce())
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
