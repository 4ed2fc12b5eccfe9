package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/** Read-only accessors over the raw pod JSON, strict about types because nothing has validated it yet. */
public final class SparkPod {

    private final ObjectNode pod;

    public SparkPod(ObjectNode pod) {
        this.pod = pod;
    }

    public ObjectNode json() {
        return pod;
    }

    public Optional<String> label(String key) {
        return stringIn("labels", key);
    }

    public Optional<String> annotation(String key) {
        return stringIn("annotations", key);
    }

    /** The identity the pod runs as; Kubernetes uses {@code default} when none is named. */
    public String serviceAccount() {
        JsonNode spec = pod.path("spec");
        for (String field : List.of("serviceAccountName", "serviceAccount")) {
            JsonNode value = spec.get(field);
            if (value != null && value.isTextual() && !value.asText().isEmpty()) {
                return value.asText();
            }
        }
        return "default";
    }

    /** The pod's name, or its generateName with a '*' when the API server has not named it yet. */
    public String displayName() {
        JsonNode metadata = pod.path("metadata");
        String name = metadata.path("name").asText("");
        return name.isEmpty() ? metadata.path("generateName").asText("") + "*" : name;
    }

    /** {@code spec.nodeSelector}, empty when absent. */
    public Map<String, String> nodeSelector() {
        JsonNode selector = pod.path("spec").path("nodeSelector");
        if (selector.isMissingNode() || selector.isNull()) {
            return Map.of();
        }
        if (!selector.isObject()) {
            throw new MalformedPod("spec.nodeSelector must be an object");
        }
        Map<String, String> result = new TreeMap<>();
        selector.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual()) {
                throw new MalformedPod("spec.nodeSelector[\"" + entry.getKey() + "\"] must be a string");
            }
            result.put(entry.getKey(), entry.getValue().asText());
        });
        return result;
    }

    public List<Toleration> tolerations() {
        JsonNode tolerations = pod.path("spec").path("tolerations");
        List<Toleration> result = new ArrayList<>();
        if (tolerations.isArray()) {
            for (JsonNode t : tolerations) {
                result.add(new Toleration(text(t, "key"), text(t, "operator"), text(t, "value"), text(t, "effect")));
            }
        }
        return result;
    }

    private Optional<String> stringIn(String metadataField, String key) {
        JsonNode map = pod.path("metadata").path(metadataField);
        if (map.isMissingNode() || map.isNull()) {
            return Optional.empty();
        }
        if (!map.isObject()) {
            throw new MalformedPod("metadata." + metadataField + " must be an object");
        }
        JsonNode value = map.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new MalformedPod("metadata." + metadataField + "[\"" + key + "\"] must be a string");
        }
        return Optional.of(value.asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
