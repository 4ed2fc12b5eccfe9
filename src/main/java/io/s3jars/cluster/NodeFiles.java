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

    /** The nodes of a file, and whether it also holds the CSI driver's {@code CSIDriver} object. */
    public record ClusterState(List<NodeSummary> nodes, boolean csiDriver) {
    }

    public static List<NodeSummary> read(Path file) {
        return readState(file).nodes();
    }

    /**
     * A file as {@code kubectl get nodes,csidrivers -o yaml} writes it: the nodes, and the
     * Mountpoint for Amazon S3 CSI driver if it is there, for auto mode.
     */
    public static ClusterState readState(Path file) {
        JsonNode document;
        try {
            byte[] content = Files.readAllBytes(file);
            document = (looksLikeJson(content) ? JSON : YAML).readTree(content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nodes from " + file, e);
        }
        String kind = document == null ? "" : document.path("kind").asText();
        if (kind.equals("Node")) {
            return new ClusterState(List.of(NodeSummaries.of(document)), false);
        }
        if (!kind.equals("NodeList") && !kind.equals("List")) {
            throw new IllegalArgumentException(file + " holds no Node, NodeList or List of nodes");
        }
        List<NodeSummary> nodes = new ArrayList<>();
        boolean csiDriver = false;
        for (JsonNode item : document.path("items")) {
            String itemKind = item.path("kind").asText("Node");
            if (itemKind.equals("Node")) {
                nodes.add(NodeSummaries.of(item));
            } else if (itemKind.equals("CSIDriver")
                    && ClusterView.CSI_DRIVER.equals(item.path("metadata").path("name").asText())) {
                csiDriver = true;
            }
        }
        return new ClusterState(nodes, csiDriver);
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
