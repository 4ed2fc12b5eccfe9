package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's own API calls ({@link ApiServer}, {@link WatchedObject}) against fabric8's mock API
 * server in CRUD mode: its node and its policy's ConfigMap followed through creation, edits made by
 * others, deletion and recreation, and its merge patches stored.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AgentApiTest {

    private static final String NODE = "node-1";
    private static final Duration SOON = Duration.ofSeconds(10);

    KubernetesClient client;
    private AutoCloseable opened;

    @AfterEach
    void close() throws Exception {
        if (opened != null) {
            opened.close();
        }
    }

    private ApiServer api() throws URISyntaxException {
        return ApiServer.at(client.getMasterUrl().toURI());
    }

    @Test
    void theNodeIsFollowedThroughEditsDeletionAndRecreation() throws Exception {
        ApiNodeAccess node = new ApiNodeAccess(api(), NODE);
        opened = node;
        node.start();
        await().atMost(SOON).until(node::listed);
        assertThat(node.current()).as("no such node yet").isEmpty();

        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("zone", "a").endMetadata()
                .build()).create();
        await().atMost(SOON).until(() -> node.current().map(n -> "a".equals(n.labels().get("zone"))).orElse(false));

        client.nodes().withName(NODE).edit(n -> new NodeBuilder(n).editMetadata().addToLabels("zone", "b")
                .addToAnnotations("note", "x").endMetadata().build());
        await().atMost(SOON).until(() -> node.current().map(n -> "b".equals(n.labels().get("zone"))
                && "x".equals(n.annotations().get("note"))).orElse(false));

        client.nodes().withName(NODE).delete();
        await().atMost(SOON).until(() -> node.current().isEmpty());

        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("zone", "c").endMetadata()
                .build()).create();
        await().atMost(SOON).until(() -> node.current().map(n -> "c".equals(n.labels().get("zone"))).orElse(false));
        assertThat(node.lists()).as("every change came through the first watch, none through a list after a failure")
                .isEqualTo(1);
    }

    /**
     * fabric8's mock accepts a WebSocket watch without an Origin; the API server's handler refuses
     * one (403). A Vert.x server that refuses it as the API server does checks the header, and
     * that an event sent over a real WebSocket reaches the agent.
     */
    @Test
    void theWatchCarriesTheOriginTheApiServerRequires() throws Exception {
        Vertx vertx = Vertx.vertx();
        List<String> origins = new CopyOnWriteArrayList<>();
        try {
            HttpServer strict = vertx.createHttpServer()
                    .requestHandler(request -> {
                        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                            request.response().end("{\"kind\":\"NodeList\",\"metadata\":{\"resourceVersion\":\"5\"},"
                                    + "\"items\":[{\"metadata\":{\"name\":\"node-1\",\"labels\":{\"zone\":\"a\"}}}]}");
                            return;
                        }
                        String origin = request.getHeader("Origin");
                        origins.add(String.valueOf(origin));
                        if (origin == null) {
                            request.response().setStatusCode(403).end();
                            return;
                        }
                        request.toWebSocket().onSuccess(socket -> socket.writeTextMessage("{\"type\":\"MODIFIED\","
                                + "\"object\":{\"metadata\":{\"name\":\"node-1\",\"resourceVersion\":\"6\","
                                + "\"labels\":{\"zone\":\"b\"}}}}"));
                    })
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + strict.actualPort();
            ApiNodeAccess node = new ApiNodeAccess(ApiServer.at(URI.create(base)), NODE);
            opened = node;
            node.start();
            await().atMost(SOON).until(() -> node.current().map(n -> "b".equals(n.labels().get("zone"))).orElse(false));
            assertThat(origins).first().isEqualTo(base);
            assertThat(node.problem()).isEmpty();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusedWatchIsRetriedFromAListAndSaysWhy() throws Exception {
        com.sun.net.httpserver.HttpServer refusing = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        refusing.createContext("/", exchange -> {
            boolean watch = exchange.getRequestURI().getQuery().contains("watch=true");
            byte[] body = (watch ? "{\"kind\":\"Status\",\"code\":403}"
                    : "{\"kind\":\"NodeList\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[{\"metadata\":"
                    + "{\"name\":\"node-1\",\"labels\":{\"zone\":\"a\"}},\"status\":{\"images\":[]}}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(watch ? 403 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        refusing.start();
        try {
            ApiNodeAccess node = new ApiNodeAccess(ApiServer.at(URI.create("http://127.0.0.1:"
                    + refusing.getAddress().getPort())), NODE);
            opened = node;
            node.start();
            await().atMost(SOON).until(() -> node.problem().isPresent() && node.lists() >= 2);
            assertThat(node.problem().orElseThrow()).isEqualTo("watch /api/v1/nodes: HTTP 403");
            assertThat(node.current().orElseThrow().labels()).containsEntry("zone", "a");
        } finally {
            refusing.stop(0);
        }
    }

    @Test
    void anotherNodesChangesAreNotTakenForTheAgentsOwn() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("zone", "a").endMetadata()
                .build()).create();
        ApiNodeAccess node = new ApiNodeAccess(api(), NODE);
        opened = node;
        node.start();
        await().atMost(SOON).until(() -> node.current().isPresent());

        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-2").addToLabels("zone", "z")
                .endMetadata().build()).create();
        client.nodes().withName(NODE).edit(n -> new NodeBuilder(n).editMetadata().addToLabels("mark", "1").endMetadata()
                .build());
        await().atMost(SOON).until(() -> node.current().map(n -> n.labels().containsKey("mark")).orElse(false));
        assertThat(node.current().orElseThrow().labels()).containsEntry("zone", "a");
    }

    @Test
    void aMergePatchIsStoredAndANullRemovesTheLabel() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("keep", "1")
                .addToLabels("drop", "1").endMetadata().build()).create();
        ApiNodeAccess node = new ApiNodeAccess(api(), NODE);
        opened = node;
        node.start();
        Map<String, Object> labels = new java.util.HashMap<>();
        labels.put("ready", "true");
        labels.put("drop", null);
        node.patch(Map.of("metadata", Map.of("labels", labels, "annotations", Map.of("path", "/mnt/s3"))));

        var stored = client.nodes().withName(NODE).get().getMetadata();
        assertThat(stored.getLabels()).containsEntry("ready", "true").containsEntry("keep", "1");
        assertThat(stored.getLabels().get("drop")).isNull();
        assertThat(stored.getAnnotations()).containsEntry("path", "/mnt/s3");
        await().atMost(SOON).until(() -> node.current().map(n -> "true".equals(n.labels().get("ready"))
                && !n.labels().containsKey("drop")).orElse(false));
    }

    @Test
    void aPatchOfANodeThatDoesNotExistFailsWithTheApiServersStatus() throws Exception {
        ApiNodeAccess node = new ApiNodeAccess(api(), "no-such-node");
        opened = node;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> node.patch(Map.of("metadata", Map.of("labels",
                Map.of("a", "b"))))).hasMessageContaining("PATCH /api/v1/nodes/no-such-node: HTTP 404");
    }

    @Test
    void thePolicysConfigMapIsFollowedAndAnInvalidEditKeepsTheLastGoodPolicy() throws Exception {
        AgentEvents events = new AgentEvents();
        ConfigMapPolicySource source = new ConfigMapPolicySource(api(), "s3jars-system", "s3jars-policy", "policy.yaml",
                events);
        opened = source;
        source.start();
        await().during(Duration.ofMillis(500)).atMost(SOON).until(() -> source.current().isEmpty());

        client.configMaps().inNamespace("s3jars-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("s3jars-policy").endMetadata().addToData("policy.yaml", policy("first-bucket")).build()).create();
        await().atMost(SOON).until(() -> buckets(source).equals(Optional.of("first-bucket")));

        client.configMaps().inNamespace("s3jars-system").withName("s3jars-policy").edit(c -> new ConfigMapBuilder(c)
                .addToData("policy.yaml", "buckets: [ {name: ").build());
        await().during(Duration.ofMillis(500)).atMost(SOON).until(() -> buckets(source).equals(Optional.of("first-bucket")));

        client.configMaps().inNamespace("s3jars-system").withName("s3jars-policy").edit(c -> new ConfigMapBuilder(c)
                .addToData("policy.yaml", policy("second-bucket")).build());
        await().atMost(SOON).until(() -> buckets(source).equals(Optional.of("second-bucket")));

        client.configMaps().inNamespace("s3jars-system").withName("s3jars-policy").delete();
        await().during(Duration.ofMillis(500)).atMost(SOON).until(() -> buckets(source).equals(Optional.of("second-bucket")));
        assertThat(source.lists()).as("every change came through the first watch").isEqualTo(1);
    }

    private static Optional<String> buckets(ConfigMapPolicySource source) {
        return source.current().map(p -> String.join(",", p.buckets().keySet()));
    }

    private static String policy(String bucket) {
        return "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\ndefaults: {mode: hostpath, allowModeOverride: false}\nbuckets:\n  - name: " + bucket
                + "\n    nodeMountPath: /mnt/s3/" + bucket + "\nbindings: []\n";
    }
}
