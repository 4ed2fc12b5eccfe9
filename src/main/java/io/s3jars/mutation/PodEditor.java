package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A working copy of the raw pod JSON that records every change as a JSON Patch {@code add}.
 *
 * <p>Steps edit the tree, so fields unknown to any model survive, and the patch is written as
 * the steps go, so there is no whole-pod diff (whose cost grows with pods of thousands of env
 * entries). Paths are given as segments, array elements by their index as text. A missing
 * parent is created in the same operation, holding the new value.
 *
 * <p>The original is never changed, yet never copied whole either: a node is copied, shallowly,
 * the first time a change passes through it, so the subtrees no step touches (env lists, args,
 * most of the spec) are shared with the original rather than copied for every request. A value
 * handed to the editor goes into the tree and the patch as it is, so a step must not change it
 * afterwards; the editor itself copies it before any later change passes through it.
 *
 * <p>Nothing has validated the pod yet (mutating webhooks run before schema validation), so a
 * path that meets a list where it needs an object, or a value where it needs either, is a
 * {@link MalformedPod}, never a crash.
 */
public final class PodEditor {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ObjectNode pod;
    private final ArrayNode operations = JSON.arrayNode();
    /** The nodes of {@link #pod} that are this editor's own copies, safe to change. */
    private final Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    public PodEditor(ObjectNode original) {
        this.pod = (ObjectNode) ownCopy(original);
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
        for (int i = 0; i < path.length; i++) {
            current = child(current, path, i);
            if (current == null || current.isNull()) {
                return null;
            }
        }
        return current;
    }

    /** Appends {@code value} to the array at {@code arrayPath}, creating the array and its parents if absent. */
    public void append(JsonNode value, String... arrayPath) {
        int missing = firstMissing(arrayPath);
        if (missing < arrayPath.length) {
            create(arrayPath, missing, JSON.arrayNode().add(value));
            return;
        }
        JsonNode array = writable(arrayPath, arrayPath.length);
        if (!array.isArray()) {
            throw new MalformedPod(dotted(arrayPath, arrayPath.length) + " must be a list");
        }
        ((ArrayNode) array).add(value);
        record(pointer(arrayPath, arrayPath.length) + "/-", value);
    }

    /** Sets {@code key} in the object at {@code objectPath}, creating it if absent; {@code add} replaces a present key. */
    public void put(String key, JsonNode value, String... objectPath) {
        int missing = firstMissing(objectPath);
        if (missing < objectPath.length) {
            create(objectPath, missing, JSON.objectNode().set(key, value));
            return;
        }
        JsonNode object = writable(objectPath, objectPath.length);
        if (!object.isObject()) {
            throw new MalformedPod(dotted(objectPath, objectPath.length) + " must be an object");
        }
        ((ObjectNode) object).set(key, value);
        record(pointer(objectPath, objectPath.length) + "/" + escape(key), value);
    }

    /** Index of the first segment of {@code path} that does not exist; {@code path.length} when all do. */
    private int firstMissing(String[] path) {
        JsonNode current = pod;
        for (int i = 0; i < path.length; i++) {
            JsonNode next = child(current, path, i);
            if (current.isArray()) {
                if (next == null) {
                    throw new IllegalArgumentException("no element " + dotted(path, i + 1));
                }
                if (next.isNull()) {
                    // Only object keys are created: a null list item cannot be filled in.
                    throw new MalformedPod(dotted(path, i + 1) + " must be an object");
                }
            } else if (next == null || next.isNull()) {
                return i;
            }
            current = next;
        }
        return path.length;
    }

    /**
     * The child {@code path[i]} of {@code parent} (which sits at the first {@code i} segments), or
     * null when absent. A list is entered only by an index, so a list where the pod should have an
     * object ({@code "spec": []}) is malformed; so is a string or number where either should be.
     */
    private static JsonNode child(JsonNode parent, String[] path, int i) {
        if (parent.isObject()) {
            return parent.get(path[i]);
        }
        if (parent.isArray() && isIndex(path[i])) {
            return parent.get(Integer.parseInt(path[i]));
        }
        throw new MalformedPod(dotted(path, i) + (isIndex(path[i]) ? " must be a list" : " must be an object"));
    }

    /** Indexes come from the steps, which count the list first, so nine digits are plenty. */
    private static boolean isIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 9) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Puts {@code leaf}, wrapped in objects for the missing segments after {@code missing}, at {@code path[missing]}. */
    private void create(String[] path, int missing, JsonNode leaf) {
        JsonNode value = leaf;
        for (int i = path.length - 1; i > missing; i--) {
            value = JSON.objectNode().set(path[i], value);
        }
        ((ObjectNode) writable(path, missing)).set(path[missing], value);
        record(pointer(path, missing + 1), value);
    }

    /**
     * The node at the first {@code length} segments of {@code path}, which exists, made this
     * editor's own: every node on the way that is still the original's is replaced by a copy.
     */
    private JsonNode writable(String[] path, int length) {
        JsonNode current = pod;
        for (int i = 0; i < length; i++) {
            JsonNode next = child(current, path, i);
            if (!owned.contains(next)) {
                next = ownCopy(next);
                if (current.isObject()) {
                    ((ObjectNode) current).set(path[i], next);
                } else {
                    ((ArrayNode) current).set(Integer.parseInt(path[i]), next);
                }
            }
            current = next;
        }
        return current;
    }

    /** A shallow copy of a container (its children still shared), owned; a value node is immutable and kept. */
    private JsonNode ownCopy(JsonNode node) {
        JsonNode copy = node;
        if (node.isObject()) {
            copy = JSON.objectNode().setAll((ObjectNode) node);
        } else if (node.isArray()) {
            copy = JSON.arrayNode(node.size()).addAll((ArrayNode) node);
        }
        owned.add(copy);
        return copy;
    }

    /**
     * The value is shared with the tree, which is safe: it is not this editor's own copy, so a
     * later change through it replaces it in the tree and leaves the recorded one as it was.
     */
    private void record(String pointer, JsonNode value) {
        operations.addObject().put("op", "add").put("path", pointer).set("value", value);
    }

    /** JSON Pointer escaping, RFC 6901: '~' first, then '/'. */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static String pointer(String[] path, int length) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < length; i++) {
            pointer.append('/').append(escape(path[i]));
        }
        return pointer.toString();
    }

    private static String dotted(String[] path, int length) {
        return String.join(".", Arrays.copyOf(path, length));
    }
}
