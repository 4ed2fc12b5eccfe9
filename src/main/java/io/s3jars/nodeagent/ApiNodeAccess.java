package io.s3jars.nodeagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.s3jars.watch.InformerClusterView;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's node through the API server: an informer on that one node (a watch, not a read per
 * round: a thousand agents polling would load the API server) and merge patches of its metadata.
 */
final class ApiNodeAccess implements NodeAccess {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String name;
    private final SharedIndexInformer<Node> informer;

    ApiNodeAccess(KubernetesClient client, String name) {
        this.client = client;
        this.name = name;
        this.informer = client.nodes().withName(name).runnableInformer(0);
        informer.exceptionHandler(InformerClusterView::retry);
    }

    void start() {
        informer.start();
    }

    @Override
    public Optional<NodeState> current() {
        return informer.getStore().list().stream().findFirst().map(node -> new NodeState(
                present(node.getMetadata().getLabels()), present(node.getMetadata().getAnnotations())));
    }

    /** Entries with a value: the API server never stores a null one, but a mock of it may keep what a patch nulled. */
    private static Map<String, String> present(Map<String, String> entries) {
        Map<String, String> present = new HashMap<>();
        if (entries != null) {
            entries.forEach((key, value) -> {
                if (value != null) {
                    present.put(key, value);
                }
            });
        }
        return present;
    }

    @Override
    public void patch(Map<String, Object> mergePatch) {
        String body;
        try {
            body = JSON.writeValueAsString(mergePatch);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), body);
    }

    @Override
    public void close() {
        informer.close();
    }
}
