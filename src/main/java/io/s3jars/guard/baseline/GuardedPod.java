package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.mutation.MalformedPod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parts of a pod the controls judge, with what the carve-out exempts already taken out, so
 * no control has to know about s3jars. Strict about types: a field of the wrong type is a
 * malformed pod, refused, never skipped.
 *
 * @param containers every container of {@code initContainers}, {@code containers} and
 *                   {@code ephemeralContainers} that is not exempt, in that order
 * @param volumes    every volume that is not exempt
 */
public record GuardedPod(String name, ObjectNode metadata, ObjectNode spec, List<Container> containers,
        List<ObjectNode> volumes) {

    /** A container with the list it is in, for messages and for rules that differ by list. */
    public record Container(String list, String name, ObjectNode json) {
    }

    private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();
    /** Pod Security's order, which its messages list containers in. */
    private static final List<String> VISIT_ORDER = List.of("initContainers", "containers", "ephemeralContainers");

    public static GuardedPod of(ObjectNode pod, Set<String> exemptVolumes, Set<String> exemptContainers) {
        ObjectNode metadata = object(pod.get("metadata"), "metadata");
        ObjectNode spec = object(pod.get("spec"), "spec");
        List<Container> containers = new ArrayList<>();
        for (String list : VISIT_ORDER) {
            for (JsonNode element : array(spec.get(list), "spec." + list)) {
                ObjectNode container = object(element, "spec." + list + "[]");
                String name = container.path("name").asText("");
                // s3jars never injects an ephemeral container, so none is ever exempt.
                boolean exempt = !list.equals("ephemeralContainers") && exemptContainers.contains(list + "/" + name);
                if (!exempt) {
                    containers.add(new Container(list, name, container));
                }
            }
        }
        List<ObjectNode> volumes = new ArrayList<>();
        for (JsonNode element : array(spec.get("volumes"), "spec.volumes")) {
            ObjectNode volume = object(element, "spec.volumes[]");
            if (!exemptVolumes.contains(volume.path("name").asText(""))) {
                volumes.add(volume);
            }
        }
        String name = metadata.path("name").asText("");
        return new GuardedPod(name.isEmpty() ? metadata.path("generateName").asText("") + "*" : name, metadata, spec,
                List.copyOf(containers), List.copyOf(volumes));
    }

    /** An object, or empty when absent or null; any other type is malformed. */
    public static ObjectNode object(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return EMPTY;
        }
        if (!node.isObject()) {
            throw new MalformedPod(where + " must be an object");
        }
        return (ObjectNode) node;
    }

    /** A list, or empty when absent or null; any other type is malformed. */
    public static Iterable<JsonNode> array(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new MalformedPod(where + " must be a list");
        }
        return node;
    }

    /** A string field, or null when absent or null; any other type is malformed. */
    public static String text(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedPod(where + "." + field + " must be a string");
        }
        return value.asText();
    }
}
