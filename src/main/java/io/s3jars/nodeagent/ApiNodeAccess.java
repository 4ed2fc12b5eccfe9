package io.s3jars.nodeagent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The agent's node through the API server: a watch on that one node, and merge patches of its metadata. */
final class ApiNodeAccess implements NodeAccess {

    private static final String NODES = "/api/v1/nodes";

    private final ApiServer api;
    private final String name;
    private final WatchedObject<NodeState> node;

    ApiNodeAccess(ApiServer api, String name) {
        this.api = api;
        this.name = name;
        this.node = new WatchedObject<>(api, NODES, name, ApiNodeAccess::labelsAndAnnotations);
    }

    void start() {
        node.start();
    }

    /** Whether the node has been listed once, whether or not it exists. */
    boolean listed() {
        return node.listed();
    }

    /** How many times the node has been listed. */
    int lists() {
        return node.lists();
    }

    /** What last kept the node's watch from working, until it delivers again. */
    @Override
    public Optional<String> problem() {
        return node.problem();
    }

    @Override
    public Optional<NodeState> current() {
        node.closeIfSilent();
        return node.current();
    }

    /** What the agent reads of its node; the rest, its status above all, is most of the object. */
    private static NodeState labelsAndAnnotations(JsonNode node) {
        return new NodeState(strings(node.path("metadata").path("labels")),
                strings(node.path("metadata").path("annotations")));
    }

    /** A label or annotation map's entries with a string value. */
    private static Map<String, String> strings(JsonNode entries) {
        Map<String, String> strings = new HashMap<>();
        entries.properties().forEach(entry -> {
            if (entry.getValue().isTextual()) {
                strings.put(entry.getKey(), entry.getValue().asText());
            }
        });
        return strings;
    }

    @Override
    public void patch(Map<String, Object> mergePatch) {
        try {
            api.mergePatch(NODES + "/" + name, mergePatch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while patching node " + name, e);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
