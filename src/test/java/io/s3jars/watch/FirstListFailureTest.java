package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.GatedApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first list fails (RBAC applied after the pod started, the API server briefly away): the
 * informers keep retrying and sync once it works, rather than stopping for good, which would
 * leave the pod not ready until someone restarts it.
 */
class FirstListFailureTest {

    private static final Map<String, String> READY = Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready");

    @Test
    void informersWhoseFirstListIsRefusedSyncOnceItIsAllowed() {
        try (GatedApiServer api = new GatedApiServer(); KubernetesClient client = api.createClient()) {
            client.nodes().resource(InformerClusterViewTest.node("n1", READY)).create();
            client.configMaps().inNamespace("s3jars-system").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("s3jars-policy").endMetadata()
                    .withData(Map.of("policy.yaml", Fixtures.resource("/policy/test-policy.yaml"))).build()).create();
            api.closeGate("/api/v1/nodes").closeGate("/api/v1/namespaces/s3jars-system/configmaps");
            PolicyStore store = new PolicyStore();
            try (InformerClusterView view = new InformerClusterView(client, false);
                    PolicyConfigMapWatcher watcher = new PolicyConfigMapWatcher(client, "s3jars-system", "s3jars-policy",
                            "policy.yaml", store)) {
                view.start();
                watcher.start();
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                        .until(() -> !view.nodesSynced() && !watcher.hasSynced());
                assertThat(view.namespacesSynced()).isTrue();

                api.openGate("/api/v1/nodes");
                api.openGate("/api/v1/namespaces/s3jars-system/configmaps");
                await().atMost(Duration.ofSeconds(30)).until(() -> view.nodesSynced() && watcher.hasSynced()
                        && store.snapshot().isPresent() && view.mountReadyNodes(READY, List.of()) == 1);
            }
        }
    }
}
