package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A working copy of the raw pod JSON that records every change as a JSON Patch {@code add}.
 *
 * <p>Steps edit the tree, so fields unknown to any model survive, and the patch is written as
 * the steps go, so there is no whole-pod diff (whose cost grows with pods of thousands of env
 * entries). Paths are given as segments; array elements by their index as text.
 */
public final class PodEditor {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ObjectNode pod;
    private final ArrayNode operations = JSON.arrayNode();

    public PodEditor(ObjectNode original) {
        this.pod = original.deepCopy();
    }

    public ObjectNode pod() {
        return pod;
    }

    public ArrayNode operations() {
        return operations;
    }

    /** The value at {@code path}, or null when absent or JSON null. */
    public JsonNode get(String... path) {
        JsonNode current = pod;
        for (String segment : path) {
            current = current.isArray() ? current.get(Integer.parseInt(segment)) : current.get(segment);
            if (current == null || current.isNull()) {
                return null;
            }
        }
        return current;
    }

    /** The object at {@code path}, created (with its missing parents) when absent. */
    public ObjectNode object(String... path) {
        JsonNode node = ensure(path, false);
        if (!node.isObject()) {
            throw new MalformedPod(dotted(path) + " must be an object");
        }
        return (ObjectNode) node;
    }

    /** The array at {@code path}, created (with its missing parents) when absent. */
    public ArrayNode array(String... path) {
        JsonNode node = ensure(path, true);
        if (!node.isArray()) {
            throw new MalformedPod(dotted(path) + " must be a list");
        }
        return (ArrayNode) node;
    }

    public void append(JsonNode value, String... arrayPath) {
        ArrayNode array = array(arrayPath);
        array.add(value);
        record(pointer(arrayPath) + "/-", value);
    }

    /** Sets {@code key} in the object at {@code objectPath}; JSON Patch {@code add} replaces a present key. */
    public void put(String key, JsonNode value, String... objectPath) {
        object(objectPath).set(key, value);
        record(pointer(objectPath) + "/" + escape(key), value);
    }

    private JsonNode ensure(String[] path, boolean arrayAtEnd) {
        JsonNode current = pod;
        for (int i = 0; i < path.length; i++) {
            String segment = path[i];
            JsonNode next;
            if (current.isArray()) {
                next = current.get(Integer.parseInt(segment));
                if (next == null) {
                    throw new IllegalArgumentException("no element " + dotted(path));
                }
            } else if (current.isObject()) {
                next = current.get(segment);
                if (next == null || next.isNull()) {
                    next = i == path.length - 1 && arrayAtEnd ? JSON.arrayNode() : JSON.objectNode();
                    ((ObjectNode) current).set(segment, next);
                    record(pointer(path, i + 1), next);
                }
            } else {
                throw new MalformedPod(dotted(path, i) + " must be an object");
            }
            current = next;
        }
        return current;
    }

    /** Records a copy: the working tree keeps changing after the operation is written. */
    private void record(String pointer, JsonNode value) {
        operations.addObject().put("op", "add").put("path", pointer).set("value", value.deepCopy());
    }

    /** JSON Pointer escaping, RFC 6901: '~' first, then '/'. */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static String pointer(String... path) {
        return pointer(path, path.length);
    }

    private static String pointer(String[] path, int length) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < length; i++) {
            pointer.append('/').append(escape(path[i]));
        }
        return pointer.toString();
    }

    private static String dotted(String[] path) {
        return dotted(path, path.length);
    }

    private static String dotted(String[] path, int length) {
        return String.join(".", java.util.Arrays.copyOf(path, length));
    }
}
