package io.s3jars.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.lang.reflect.InvocationTargetException;

/**
 * Kubernetes' own object schema, as the official Java client's generated models hold it: an
 * independent check of what s3jars renders and prints.
 */
public final class KubernetesSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KubernetesSchema() {
    }

    /** Fails on an unknown field or a field of the wrong shape anywhere in the object. */
    public static void validate(JsonNode object) throws Exception {
        String kind = object.get("kind").asText();
        JsonElement json = JsonParser.parseString(JSON.writeValueAsString(object));
        try {
            model(object).getMethod("validateJsonElement", JsonElement.class).invoke(null, json);
        } catch (InvocationTargetException e) {
            throw new AssertionError(kind + " is not valid for Kubernetes: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Whether the object comes back the same from the typed model: read into it and written back.
     * The models' reader takes a number where a string belongs (a label {@code 1}) and writes it
     * back as a string, and drops a field it does not know, so an object that comes back the same
     * has every string a string, as Go's typed decoders demand. The models write unset lists and
     * maps as empty ones, so empty lists and objects are left out on both sides.
     */
    public static boolean sameThroughTypedModel(JsonNode object) throws Exception {
        io.kubernetes.client.openapi.JSON gson = new io.kubernetes.client.openapi.JSON();
        Object typed = gson.deserialize(JSON.writeValueAsString(object), model(object));
        return withoutEmpty(JSON.readTree(gson.serialize(typed))).equals(withoutEmpty(object));
    }

    private static JsonNode withoutEmpty(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.fields().forEachRemaining(field -> {
                JsonNode value = withoutEmpty(field.getValue());
                if (!(value.isContainerNode() && value.isEmpty())) {
                    copy.set(field.getKey(), value);
                }
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(item -> copy.add(withoutEmpty(item)));
            return copy;
        }
        return node;
    }

    private static Class<?> model(JsonNode object) throws ClassNotFoundException {
        String version = object.path("apiVersion").asText();
        String group = version.contains("/") ? version.substring(version.lastIndexOf('/') + 1) : version;
        String prefix = "V" + group.substring(1);
        return Class.forName("io.kubernetes.client.openapi.models." + prefix + object.get("kind").asText());
    }
}
