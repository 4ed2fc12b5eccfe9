package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The policy ConfigMap against a mock API server with real watches (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class PolicyConfigMapWatcherTest {

    private static final String NAMESPACE = "s3jars-system";
    private static final String VALID = Fixtures.resource("/policy/test-policy.yaml");

    KubernetesClient client;
    private PolicyConfigMapWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void aValidEditTakesEffectWithinFiveSecondsAndAnInvalidOneIsIgnoredLoudly() {
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID)).create();
        PolicyStore store = new PolicyStore();
        watcher = watch(store);
        assertThat(watcher.hasSynced()).isFalse();
        watcher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().isPresent());
        assertThat(watcher.hasSynced()).isTrue();
        assertThat(store.snapshot().get().allowedBuckets("spark-team-c", "spark")).isEmpty();

        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID.replace("[spark-team-b]",
                "[spark-team-b, spark-team-c]").replace("    serviceAccounts: [spark-b]\n", ""))).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.loaded().get().generation() == 2);
        assertThat(store.snapshot().get().allowedBuckets("spark-team-c", "spark")).containsExactly("team-b-jars");

        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID.replace("region: us-west-2",
                "regoin: us-west-2"))).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.lastRejection().isPresent());
        assertThat(store.loaded().get().generation()).isEqualTo(2);
        assertThat(store.rejectionCount()).isEqualTo(1);
        assertThat(store.lastRejection().get().summary()).contains("buckets[0].regoin is not a known field");
        await().atMost(Duration.ofSeconds(5)).until(() -> warnings().stream()
                .anyMatch(e -> e.getMessage().contains("buckets[0].regoin is not a known field")));
        Event event = warnings().get(0);
        assertThat(event.getInvolvedObject().getName()).isEqualTo("s3jars-policy");
        assertThat(event.getReason()).isEqualTo("InvalidPolicy");
        assertThat(event.getMessage()).contains("the last good policy stays in force");
    }

    /** Edit to in force: from the update call until the store holds the new generation. */
    @Test
    void policyEditsAreInForceWellWithinFiveSeconds() {
        PolicyStore store = watchingAValidPolicy();
        List<Long> micros = new ArrayList<>();
        for (int edit = 1; edit <= 20; edit++) {
            long generation = store.loaded().orElseThrow().generation();
            String document = VALID.replace("[spark-team-b]", "[spark-team-b, spark-team-edit-" + edit + "]");
            long start = System.nanoTime();
            client.configMaps().inNamespace(NAMESPACE).resource(policyMap(document)).update();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> store.loaded().orElseThrow().generation() > generation);
            micros.add((System.nanoTime() - start) / 1_000);
            assertThat(store.snapshot().orElseThrow().allowedBuckets("spark-team-edit-" + edit, "spark-b"))
                    .containsExactly("team-b-jars");
        }
        Collections.sort(micros);
        long median = (micros.get(9) + micros.get(10)) / 2;
        long max = micros.get(micros.size() - 1);
        System.out.printf("policy edit -> in force over %d edits against the mock API server: median %.1f ms, max %.1f ms%n",
                micros.size(), median / 1000.0, max / 1000.0);
        assertThat(max).isLessThan(5_000_000);
    }

    @Test
    void aResyncOrAnEditOutsideTheDocumentChangesNothing() {
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID)).create();
        PolicyStore store = new PolicyStore();
        watcher = new PolicyConfigMapWatcher(client, NAMESPACE, "s3jars-policy", "policy.yaml", store, 1_000);
        watcher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().isPresent());
        await().atMost(Duration.ofSeconds(5)).until(() -> events("PolicyLoaded").size() == 1);

        // The informer hands the cached ConfigMap over again every second (its shortest resync), as a re-list does.
        sleep(Duration.ofMillis(2_500));
        client.configMaps().inNamespace(NAMESPACE).withName("s3jars-policy").edit(cm -> new ConfigMapBuilder(cm)
                .editMetadata().addToLabels("team", "platform").endMetadata().build());
        String edited = VALID.replace("[spark-team-b]", "[spark-team-b, spark-team-c]");
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(edited)).update();
        // Informer events arrive in order: once the document edit is in force, the label edit was handled.
        await().atMost(Duration.ofSeconds(5)).until(() -> store.loaded().orElseThrow().generation() >= 2);
        sleep(Duration.ofMillis(500));
        assertThat(store.loaded().orElseThrow().generation()).isEqualTo(2);
        assertThat(events("PolicyLoaded")).hasSize(2);
        assertThat(store.rejectionCount()).isZero();
    }

    @Test
    void anInvalidDocumentIsCountedAndReportedOnceHoweverOftenItIsSeen() {
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID.replace("region: us-west-2",
                "regoin: us-west-2"))).create();
        PolicyStore store = new PolicyStore();
        watcher = new PolicyConfigMapWatcher(client, NAMESPACE, "s3jars-policy", "policy.yaml", store, 1_000);
        watcher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.rejectionCount() == 1);
        sleep(Duration.ofMillis(2_500));
        client.configMaps().inNamespace(NAMESPACE).withName("s3jars-policy").edit(cm -> new ConfigMapBuilder(cm)
                .editMetadata().addToAnnotations("note", "still broken").endMetadata().build());
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID)).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().isPresent());
        sleep(Duration.ofMillis(500));
        assertThat(store.rejectionCount()).isEqualTo(1);
        assertThat(events("InvalidPolicy")).hasSize(1);
        assertThat(store.loaded().orElseThrow().generation()).isEqualTo(1);
    }

    @Test
    void theSameDocumentCreatedAgainAfterADeletionIsLoadedAgain() {
        PolicyStore store = watchingAValidPolicy();
        client.configMaps().inNamespace(NAMESPACE).withName("s3jars-policy").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.lastRejection().isPresent());
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID)).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.lastRejection().isEmpty());
        assertThat(store.loaded().orElseThrow().generation()).isEqualTo(2);
    }

    @Test
    void deletingTheConfigMapKeepsTheLastGoodPolicy() {
        PolicyStore store = watchingAValidPolicy();
        client.configMaps().inNamespace(NAMESPACE).withName("s3jars-policy").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.lastRejection().isPresent());
        assertThat(store.lastRejection().get().summary()).isEqualTo("the ConfigMap was deleted");
        assertThat(store.snapshot()).isPresent();
    }

    @Test
    void aMissingKeyOrAMissingConfigMapLeavesNoPolicy() {
        PolicyStore store = new PolicyStore();
        watcher = watch(store);
        watcher.start();
        await().atMost(Duration.ofSeconds(5)).until(watcher::hasSynced);
        assertThat(store.snapshot()).isEmpty();
        client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("s3jars-policy").endMetadata().withData(Map.of("other.yaml", VALID)).build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.lastRejection().isPresent());
        assertThat(store.lastRejection().get().summary()).isEqualTo("the ConfigMap has no key data.policy.yaml");
        assertThat(store.snapshot()).isEmpty();
    }

    private PolicyConfigMapWatcher watch(PolicyStore store) {
        return new PolicyConfigMapWatcher(client, NAMESPACE, "s3jars-policy", "policy.yaml", store);
    }

    private List<Event> events(String reason) {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).toList();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<Event> warnings() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType())).toList();
    }

    private static ConfigMap policyMap(String yaml) {
        return new ConfigMapBuilder().withNewMetadata().withName("s3jars-policy").withNamespace(NAMESPACE).endMetadata()
                .withData(Map.of("policy.yaml", yaml)).build();
    }

    /** The valid policy in its ConfigMap, a watcher started on it and the policy loaded. */
    private PolicyStore watchingAValidPolicy() {
        client.configMaps().inNamespace(NAMESPACE).resource(policyMap(VALID)).create();
        PolicyStore store = new PolicyStore();
        watcher = watch(store);
        watcher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().isPresent());
        return store;
    }
}
