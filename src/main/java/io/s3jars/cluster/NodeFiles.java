package io.s3jars.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads nodes from a file as {@code kubectl get nodes -o yaml} (or {@code -o json}, or a single
 * Node) writes them. Read as a plain tree, not as fabric8 {@code Node}s: binding thousands of
 * nodes to the typed model took seconds of a cold start, for the five fields kept.
 */
public final class NodeFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** JSON is YAML too, but the JSON parser reads a large {@code -o json} file many times faster. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeFiles() {
    }

    public static List<NodeSummary> read(Path file) {
        JsonNode document;
        try {
            byte[] content = Files.readAllBytes(file);
            document = (looksLikeJson(content) ? JSON : YAML).readTree(content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nodes from " + file, e);
        }
        String kind = document == null ? "" : document.path("kind").asText();
        if (kind.equals("Node")) {
            return List.of(NodeSummaries.of(document));
        }
        if (!kind.equals("NodeList") && !kind.equals("List")) {
            throw new IllegalArgumentException(file + " holds no Node, NodeList or List of nodes");
        }
        List<NodeSummary> nodes = new ArrayList<>();
        for (JsonNode item : document.path("items")) {
            if (item.path("kind").asText("Node").equals("Node")) {
                nodes.add(NodeSummaries.of(item));
            }
        }
        return nodes;
    }

    private static boolean looksLikeJson(byte[] content) {
        for (byte b : content) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }
}
