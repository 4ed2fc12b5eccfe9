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
 * Serves HTTPS, as a real API server does, so the agent's memory includes its TLS handshakes.
 * Prints the file of its self-signed certificate, then its URL, then serves until killed.
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    public static void main(String[] nodes) throws InterruptedException {
        MockWebServer web = new MockWebServer();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), web, new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            for (String node : nodes) {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                        .withLabels(Map.of("kubernetes.io/os", "linux")).endMetadata().build()).create();
            }
        }
        System.out.println("ca " + web.getSelfSignedCertificate().certificatePath());
        System.out.println(server.url("/").replaceAll("/$", ""));
        Thread.currentThread().join();
    }
}
