package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bucket's node mount path stays protected after the bucket leaves the policy, on a replica that
 * restarted and on one that never saw it, because every replica records and reads the same
 * ConfigMap (mock API server in CRUD mode).
 */
@EnableKubernetesMockClient(crud = true)
class NodeMountPathRecordTest {

    private static final String NAMESPACE = "s3jars-system";
    private static final String NAME = "s3jars-node-mount-paths";
    private static final String WITH_SHARED_LIBS = Fixtures.resource("/policy/test-policy.yaml");
    private static final String WITHOUT_SHARED_LIBS = WITH_SHARED_LIBS
            .replace("  - name: shared.libs\n    nodeMountPath: /mnt/shared-libs\n", "")
            .replace("[spark-jars-bucket, shared.libs]", "[spark-jars-bucket]");
    private static final PodGuard GUARD = new PodGuard(new MutationEngine());

    KubernetesClient client;
    private final List<NodeMountPathRecord> records = new ArrayList<>();

    @AfterEach
    void stop() {
        records.forEach(NodeMountPathRecord::close);
    }

    @Test
    void aRetiredPathStaysProtectedAcrossRestartsAndReplicas() {
        // As the chart creates it: no data, so that upgrades never write an empty record back.
        client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata().withName(NAME)
                .endMetadata().build()).create();
        PolicyStore first = replica();
        first.offer(WITH_SHARED_LIBS, "first policy");
        await().atMost(Duration.ofSeconds(5)).until(() -> recorded().contains("/mnt/shared-libs"));
        first.offer(WITHOUT_SHARED_LIBS, "shared.libs retired");

        // A replica started after the bucket left the policy (a restart, a rollout, a new replica).
        PolicyStore later = replica();
        later.offer(WITHOUT_SHARED_LIBS, "current policy");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> later.nodeMountPathsSinceStart().contains("/mnt/shared-libs"));
        for (PolicyStore store : List.of(first, later)) {
            Decision decision = GUARD.check(Fixtures.podWithHostPath("/mnt/shared-libs/jars"), "web", store.inForce(), ClusterView.EMPTY);
            assertThat(decision).isInstanceOf(Decision.Deny.class);
        }
        assertThat(recorded()).contains("/mnt/s3", "/mnt/s3-team-b", "/mnt/shared-libs");
    }

    @Test
    void withoutTheConfigMapTheReplicaCreatesItWhenAllowed() {
        PolicyStore store = replica();
        store.offer(WITH_SHARED_LIBS, "first policy");
        await().atMost(Duration.ofSeconds(5)).until(() -> recorded().contains("/mnt/shared-libs"));
    }

    @Test
    void concurrentReplicasConvergeOnTheUnion() throws Exception {
        client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata().withName(NAME)
                .endMetadata().withData(Map.of("paths", "/mnt/old\n")).build()).create();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            NodeMountPathRecord record = new NodeMountPathRecord(client, NAMESPACE, NAME, new PolicyStore());
            records.add(record);
            String path = "/mnt/replica-" + i;
            Thread writer = new Thread(() -> record.add(List.of(path)));
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        assertThat(recorded()).contains("/mnt/old", "/mnt/replica-0", "/mnt/replica-1", "/mnt/replica-2",
                "/mnt/replica-3");
    }

    /** A store wired as cluster mode wires it: the record read into it, and each new policy written to the record. */
    private PolicyStore replica() {
        PolicyStore store = new PolicyStore();
        NodeMountPathRecord record = new NodeMountPathRecord(client, NAMESPACE, NAME, store);
        records.add(record);
        record.start();
        await().atMost(Duration.ofSeconds(5)).until(record::hasSynced);
        store.onInstall(policy -> record.add(policy.nodeMountPaths()));
        return store;
    }

    private String recorded() {
        var configMap = client.configMaps().inNamespace(NAMESPACE).withName(NAME).get();
        return configMap == null ? "" : configMap.getData().getOrDefault("paths", "");
    }

}
