package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import io.s3jars.watch.InformerClusterView;
import io.s3jars.watch.PolicyConfigMapWatcher;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API server goes away and comes back (same port, same stored objects): the webhook keeps
 * answering from its caches, notices it is not watching, reconnects, and catches up with node
 * edits made meanwhile.
 */
class ApiServerOutageTest {

    private static final Map<String, String> READY = Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready");

    @Test
    void cachesServeThroughAnOutageAndCatchUpAfterwards() throws Exception {
        KubernetesCrudDispatcher state = new KubernetesCrudDispatcher();
        int port = freePort();
        KubernetesMockServer server = start(state, port);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://localhost:" + port).withWatchReconnectInterval(200).withWatchReconnectLimit(-1)
                .withRequestTimeout(2_000).withConnectionTimeout(1_000).build()).build();
        String policy = Fixtures.resource("/policy/test-policy.yaml");
        client.configMaps().inNamespace("s3jars-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("s3jars-policy").endMetadata().withData(Map.of("policy.yaml", policy)).build()).create();
        client.nodes().resource(node("n1", READY)).create();

        PolicyStore store = new PolicyStore();
        InformerClusterView view = new InformerClusterView(client, false);
        PolicyConfigMapWatcher watcher = new PolicyConfigMapWatcher(client, "s3jars-system", "s3jars-policy",
                "policy.yaml", store);
        try {
            view.start();
            watcher.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> view.nodesSynced() && store.snapshot().isPresent()
                    && view.mountReadyNodes(READY, List.of()) == 1);

            server.destroy();
            await().atMost(Duration.ofSeconds(10)).until(() -> !view.watching() && !watcher.watching());
            assertThat(view.mountReadyNodes(READY, List.of())).as("served from cache during the outage").isEqualTo(1);
            assertThat(store.snapshot()).isPresent();

            // Edits made while the webhook cannot see the API server: through a second server on the same store.
            KubernetesMockServer side = start(state, freePort());
            try (KubernetesClient operator = side.createClient()) {
                operator.nodes().resource(node("n2", READY)).create();
                operator.configMaps().inNamespace("s3jars-system").withName("s3jars-policy").edit(cm ->
                        new ConfigMapBuilder(cm).withData(Map.of("policy.yaml", policy.replace("[spark-team-a]",
                                "[spark-team-a, spark-team-z]"))).build());
            } finally {
                side.destroy();
            }
            assertThat(view.mountReadyNodes(READY, List.of())).isEqualTo(1);
            server = start(state, port);
            await().atMost(Duration.ofSeconds(30)).until(() -> view.mountReadyNodes(READY, List.of()) == 2);
            // The ConfigMap watch resumes too, but the mock server does not always answer a resumed
            // field-selector watch, so only the property that matters without it is asserted: the
            // last good policy is never lost.
            assertThat(store.snapshot()).isPresent();
        } finally {
            watcher.close();
            view.close();
            client.close();
            server.destroy();
        }
    }

    private static KubernetesMockServer start(KubernetesCrudDispatcher state, int port) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), state,
                false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static io.fabric8.kubernetes.api.model.Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withNewSpec().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
    }
}
