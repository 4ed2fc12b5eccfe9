package io.s3jars.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares an element of the pod that bears an s3jars name with the element s3jars injects:
 * the first field that differs, if any. Every field s3jars sets must be there with its value,
 * and a field s3jars does not set may be there only if the API server adds it, with the value
 * it adds: anything else (an extra {@code env}, a changed {@code image}, a wider
 * {@code securityContext}) makes the element the pod author's, not s3jars'.
 */
final class InjectedElementDiff {

    /** Container fields the API server sets when absent, with the value it sets. */
    private static final Map<String, String> CONTAINER_DEFAULTS = Map.of(
            "terminationMessagePath", "/dev/termination-log",
            "terminationMessagePolicy", "File");
    /** Probe fields the API server sets when absent, with the value it sets. */
    private static final Map<String, Integer> PROBE_DEFAULTS = Map.of("timeoutSeconds", 1, "successThreshold", 1);
    private static final Set<String> PROBES = Set.of("startupProbe", "livenessProbe", "readinessProbe");
    /**
     * What the EKS identity webhooks (IAM roles for service accounts, EKS Pod Identity) add to every
     * container of a pod whose service account has a role: the sidecar needs them to reach S3 as the
     * pod, and they name only the pod's own identity, which IAM then checks.
     */
    private static final Set<String> IDENTITY_ENV = Set.of("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_STS_REGIONAL_ENDPOINTS", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    /**
     * The values the webhooks set where a value would steer the sidecar: where it fetches
     * credentials and which file it sends as a token. Any other value is the pod author's.
     */
    private static final Map<String, String> IDENTITY_VALUES = Map.of(
            "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");
    private static final Map<String, String> IDENTITY_MOUNTS = Map.of(
            "aws-iam-token", "/var/run/secrets/eks.amazonaws.com/serviceaccount",
            "eks-pod-identity-token", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount");

    private InjectedElementDiff() {
    }

    /** The first differing field of a container, as a path such as {@code securityContext.capabilities}. */
    static Optional<String> container(JsonNode expected, JsonNode actual) {
        return difference(expected, actual, "", actual, Kind.CONTAINER);
    }

    static Optional<String> volume(JsonNode expected, JsonNode actual) {
        return difference(expected, actual, "", actual, Kind.VOLUME);
    }

    private enum Kind {
        CONTAINER, VOLUME
    }

    private static Optional<String> difference(JsonNode expected, JsonNode actual, String path, JsonNode root,
            Kind kind) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return Optional.of(name(path));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = actual.get(field.getKey());
                if (value == null) {
                    return Optional.of(join(path, field.getKey()));
                }
                Optional<String> below = difference(field.getValue(), value, join(path, field.getKey()), root,
                        kind);
                if (below.isPresent()) {
                    return below;
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = actual.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!expected.has(field.getKey()) && !isDefault(path, field.getKey(), field.getValue(), root, kind)) {
                    return Optional.of(join(path, field.getKey()));
                }
            }
            return Optional.empty();
        }
        if (expected.isArray()) {
            if (kind == Kind.CONTAINER && path.equals("volumeMounts") && actual.isArray()) {
                actual = withoutIdentityMounts(actual);
            }
            if (!actual.isArray() || actual.size() != expected.size()) {
                return Optional.of(name(path));
            }
            for (int i = 0; i < expected.size(); i++) {
                Optional<String> below = difference(expected.get(i), actual.get(i), path + "[" + i + "]", root, kind);
                if (below.isPresent()) {
                    return below;
                }
            }
            return Optional.empty();
        }
        return expected.equals(actual) ? Optional.empty() : Optional.of(name(path));
    }

    /**
     * What the API server adds to a container s3jars injected: the termination message fields,
     * probe timeouts, and requests copied from limits where only limits are set.
     */
    private static boolean isDefault(String path, String field, JsonNode value, JsonNode root, Kind kind) {
        if (kind != Kind.CONTAINER) {
            return false;
        }
        if (path.isEmpty()) {
            if (field.equals("env")) {
                return identityEnvOnly(value);
            }
            String expected = CONTAINER_DEFAULTS.get(field);
            return expected != null && value.isTextual() && expected.equals(value.asText());
        }
        if (PROBES.contains(path)) {
            Integer expected = PROBE_DEFAULTS.get(field);
            return expected != null && value.isInt() && expected == value.asInt();
        }
        if (path.equals("resources.requests")) {
            // The API server copies a limit into requests when that request is not set.
            return value.equals(root.path("resources").path("limits").get(field));
        }
        return false;
    }

    private static boolean identityEnvOnly(JsonNode env) {
        if (!env.isArray()) {
            return false;
        }
        for (JsonNode variable : env) {
            String name = variable.path("name").asText();
            String fixed = IDENTITY_VALUES.get(name);
            if (!IDENTITY_ENV.contains(name) || variable.has("valueFrom")
                    || fixed != null && !fixed.equals(variable.path("value").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The mounts without the identity webhooks' read-only token mounts, at their own paths. */
    private static JsonNode withoutIdentityMounts(JsonNode mounts) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode mount : mounts) {
            String path = IDENTITY_MOUNTS.get(mount.path("name").asText());
            boolean identity = path != null && path.equals(mount.path("mountPath").asText())
                    && mount.path("readOnly").asBoolean(false) && !mount.has("subPath") && !mount.has("subPathExpr")
                    && !mount.has("mountPropagation");
            if (!identity) {
                kept.add(mount);
            }
        }
        return kept;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String name(String path) {
        return path.isEmpty() ? "the whole element" : path;
    }
}
