package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.s3jars.cluster.NodeMountPathAnnotation;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The guard protects the mount paths nodes record (annotation {@code s3jars.io/node-mount-paths},
 * written by the node agent), whatever the policy says and whatever the replica remembers: a
 * restarted webhook, with no memory and no record ConfigMap, gives the same answer (mock API
 * server in CRUD mode).
 */
@EnableKubernetesMockClient(crud = true)
class NodeMountPathAnnotationTest {

    private static final PodGuard GUARD = new PodGuard(new MutationEngine());

    KubernetesClient client;

    @Test
    void aPathANodeRecordsIsRefusedByEveryReplicaBeforeAndAfterARestart() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1")
                .withAnnotations(Map.of(NodeMountPathAnnotation.KEY, "/mnt/retired-jars\n/mnt/s3")).endMetadata()
                .build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n2").endMetadata().build()).create();

        for (int start = 1; start <= 2; start++) {
            PolicyStore store = new PolicyStore();
            store.offer(Fixtures.resource("/policy/test-policy.yaml"), "policy without /mnt/retired-jars");
            assertThat(store.nodeMountPathsSinceStart()).doesNotContain("/mnt/retired-jars");
            try (InformerClusterView view = new InformerClusterView(client, false)) {
                view.start();
                await().atMost(Duration.ofSeconds(5)).until(view::nodesSynced);
                assertThat(view.nodeMountPaths()).containsExactlyInAnyOrder("/mnt/retired-jars", "/mnt/s3");
                Decision decision = GUARD.check(Fixtures.podWithHostPath("/mnt/retired-jars/app.jar"), "web",
                        store.inForce(), view);
                assertThat(decision).as("start %d", start).isInstanceOf(Decision.Deny.class);
                assertThat(((Decision.Deny) decision).reason()).contains("/mnt/retired-jars");
            }
        }
    }

    @Test
    void aPathLeavesOnceNoNodeRecordsItAndAnUnreadableValueProtectsNothingExtra() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1")
                .withAnnotations(Map.of(NodeMountPathAnnotation.KEY, "/mnt/a")).endMetadata().build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n2")
                .withAnnotations(Map.of(NodeMountPathAnnotation.KEY, "/mnt/a\n/mnt/b")).endMetadata().build()).create();
        try (InformerClusterView view = new InformerClusterView(client, false)) {
            view.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> view.nodeMountPaths().equals(Set.of("/mnt/a", "/mnt/b")));
            client.nodes().withName("n2").edit(n -> new NodeBuilder(n).editMetadata()
                    .addToAnnotations(NodeMountPathAnnotation.KEY, "/\n/var/lib/kubelet\nrelative\n/mnt/../etc")
                    .endMetadata().build());
            await().atMost(Duration.ofSeconds(5)).until(() -> view.nodeMountPaths().equals(Set.of("/mnt/a")));
            client.nodes().withName("n1").delete();
            await().atMost(Duration.ofSeconds(5)).until(() -> view.nodeMountPaths().isEmpty());
        }
    }
}
