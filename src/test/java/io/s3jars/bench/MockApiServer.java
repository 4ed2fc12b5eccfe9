package io.s3jars.bench;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.Map;

/**
 * fabric8's mock API server (CRUD mode) as a process, with the nodes named on the command line,
 * for measurements of a real {@code s3jars node-agent} process (src/bench/node-agent-rss.sh).
 * Prints its URL, then serves until killed.
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    public static void main(String[] nodes) throws InterruptedException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            for (String node : nodes) {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                        .withLabels(Map.of("kubernetes.io/os", "linux")).endMetadata().build()).create();
            }
        }
        System.out.println(server.url("/").replaceAll("/$", ""));
        Thread.currentThread().join();
    }
}
