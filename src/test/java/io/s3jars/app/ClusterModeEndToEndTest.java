package io.s3jars.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.MockApiServerResource;
import io.s3jars.testing.Nodes;
import io.s3jars.testing.WebhookClient;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole application in cluster mode (no policy file) against the mock API server: readiness
 * before and after the informers sync, and a forced-in invalid policy edit and a deletion as an
 * operator sees them: the exported metric, the readiness data, the Event on the ConfigMap, and
 * {@code /mutate} still serving the last good policy. The tests run in order on one application.
 */
@QuarkusTest
@TestProfile(ClusterModeEndToEndTest.ClusterMode.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterModeEndToEndTest {

    private static final String NODES = "/api/v1/nodes";

    /** Cluster mode; the API server refuses to list nodes until the first test opens the gate. */
    public static class ClusterMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("s3jars.policy-file", "", "%test.s3jars.policy-file", "");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MockApiServerResource.class, Map.of("gates", NODES)));
        }
    }

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    @Order(1)
    void notReadyBeforeTheInformersHaveSyncedAndReadyAfter() {
        JsonNode before = readiness();
        assertThat(before.path("status").asText()).isEqualTo("DOWN");
        JsonNode informers = check(before, "s3jars-informers");
        assertThat(informers.path("status").asText()).isEqualTo("DOWN");
        assertThat(informers.at("/data/mode").asText()).isEqualTo("cluster");
        assertThat(informers.at("/data/nodesSynced").asBoolean()).isFalse();
        // The policy alone does not make the pod ready.
        await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(check(readiness(), "s3jars-policy")
                .path("status").asText()));
        assertThat(readiness().path("status").asText()).isEqualTo("DOWN");

        MockApiServerResource.api.openGate(NODES);
        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(readiness().path("status").asText()));
        JsonNode after = check(readiness(), "s3jars-informers");
        assertThat(after.at("/data/nodesSynced").asBoolean()).isTrue();
        assertThat(after.at("/data/namespacesSynced").asBoolean()).isTrue();
        assertThat(after.at("/data/policyConfigMapSynced").asBoolean()).isTrue();
        // The one replica takes the Lease of the csi volume controller.
        await().atMost(Duration.ofSeconds(10)).until(() -> check(readiness(), "s3jars-informers")
                .at("/data/csiVolumesLeader").asBoolean());
        assertThat(MockApiServerResource.client.leases().inNamespace(MockApiServerResource.NAMESPACE)
                .withName("s3jars-csi-volumes").get().getSpec().getHolderIdentity()).isNotBlank();
        assertThat(metric("s3jars_policy_generation")).isEqualTo(1.0);
        assertThat(metric("s3jars_policy_reload_failures_total")).isZero();

        // Two nodes carry the mount-ready label, one of them tainted: the gauge counts both.
        for (String name : List.of("mount-ready-1", "mount-ready-2")) {
            MockApiServerResource.client.nodes().resource(new NodeBuilder(Nodes.readyNode(name,
                    Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready"))).editSpec().addNewTaint().withKey("spot")
                    .withEffect(name.endsWith("2") ? "NoSchedule" : "PreferNoSchedule").endTaint().endSpec().build())
                    .create();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("s3jars_mount_ready_nodes{bucket=\"spark-jars-bucket\"}") == 2.0);
        assertThat(metric("s3jars_mount_ready_nodes{bucket=\"team-b-jars\"}")).isZero();
    }

    @Test
    @Order(2)
    void aForcedInInvalidEditIsCountedReportedAndIgnored() throws Exception {
        // Written straight to the API server: nothing calls /validate here, as when the webhook is bypassed.
        MockApiServerResource.client.configMaps().inNamespace(MockApiServerResource.NAMESPACE).withName("s3jars-policy")
                .edit(cm -> new ConfigMapBuilder(cm).withData(Map.of("policy.yaml", Fixtures.resource(
                        "/policy/test-policy.yaml").replace("region: us-west-2", "regoin: us-west-2"))).build());

        await().atMost(Duration.ofSeconds(5)).until(() -> metric("s3jars_policy_reload_failures_total") == 1.0);
        JsonNode policy = check(readiness(), "s3jars-policy");
        assertThat(policy.path("status").asText()).isEqualTo("UP");
        assertThat(policy.at("/data/generation").asLong()).isEqualTo(1);
        assertThat(policy.at("/data/lastRejectedErrors").asText())
                .contains("buckets[0].regoin is not a known field");
        assertThat(metric("s3jars_policy_generation")).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> !warnings("buckets[0].regoin").isEmpty());
        Event event = warnings("buckets[0].regoin").get(0);
        assertThat(event.getReason()).isEqualTo("InvalidPolicy");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("s3jars-policy");
        assertThat(event.getMessage()).contains("the last good policy stays in force");
        assertMutateServesTheLastGoodPolicy();
    }

    @Test
    @Order(3)
    void deletingTheConfigMapKeepsTheLastGoodPolicyAndSaysSo() throws Exception {
        double failures = metric("s3jars_policy_reload_failures_total");
        MockApiServerResource.client.configMaps().inNamespace(MockApiServerResource.NAMESPACE).withName("s3jars-policy")
                .delete();

        await().atMost(Duration.ofSeconds(5)).until(() -> metric("s3jars_policy_reload_failures_total")
                == failures + 1);
        JsonNode policy = check(readiness(), "s3jars-policy");
        assertThat(policy.path("status").asText()).isEqualTo("UP");
        assertThat(policy.at("/data/lastRejectedErrors").asText()).isEqualTo("the ConfigMap was deleted");
        await().atMost(Duration.ofSeconds(5)).until(() -> !warnings("the ConfigMap was deleted").isEmpty());
        assertThat(warnings("the ConfigMap was deleted").get(0).getMessage())
                .contains("the last good policy (generation 1) stays in force");
        assertThat(readiness().path("status").asText()).isEqualTo("UP");
        assertMutateServesTheLastGoodPolicy();
    }

    private void assertMutateServesTheLastGoodPolicy() throws IOException {
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"))
                .post(mutate, "application/json", review);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = Fixtures.JSON.readTree(response.body()).path("response");
        assertThat(answer.path("allowed").asBoolean()).as(response.body()).isTrue();
        assertThat(answer.path("patch").asText()).isNotEmpty();
    }

    private List<Event> warnings(String text) {
        return MockApiServerResource.client.v1().events().inNamespace(MockApiServerResource.NAMESPACE).list()
                .getItems().stream().filter(e -> "Warning".equals(e.getType()) && e.getMessage().contains(text))
                .toList();
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private JsonNode readiness() {
        try {
            return Fixtures.JSON.readTree(get(ready));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A sample of the Prometheus text on /q/metrics, without labels. */
    private double metric(String name) {
        return get(metrics).lines().filter(l -> l.startsWith(name + " ") || !name.contains("{") && l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static String get(URL url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
