package io.s3jars.cluster;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads nodes from a file as {@code kubectl get nodes -o yaml} (or a single Node) writes them. */
public final class NodeFiles {

    private NodeFiles() {
    }

    public static List<NodeSummary> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = Serialization.unmarshal(in);
            if (parsed instanceof Node node) {
                return List.of(NodeSummaries.of(node));
            }
            if (parsed instanceof NodeList list) {
                return list.getItems().stream().map(NodeSummaries::of).toList();
            }
            if (parsed instanceof KubernetesList list) {
                return list.getItems().stream().filter(Node.class::isInstance)
                        .map(n -> NodeSummaries.of((Node) n)).toList();
            }
            throw new IllegalArgumentException(file + " holds no Node, NodeList or List of nodes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nodes from " + file, e);
        }
    }
}
