package io.s3jars.nodeagent;

import static io.s3jars.testing.PackagedApp.JAR;
import static io.s3jars.testing.PackagedApp.java;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.s3jars.testing.PackagedApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's memory budget rests on what it does not load (docs/node-agent.md#memory): the
 * packaged jar's {@code node-agent}, run as the chart runs it (no argument) until ready and
 * scraped once, must load none of the libraries the webhook uses and the agent does without.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class NodeAgentClassesIT {

    private static final List<String> NOT_LOADED = List.of("picocli.", "io.micrometer.", "org.slf4j.",
            "com.fasterxml.jackson.databind.ObjectMapper", "io.fabric8.", "io.vertx.", "io.netty.", "io.quarkus.runtime.");

    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void theRunningAgentLoadsNoneOfTheWebhooksLibraries() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build()).create();
        Path classes = dir.resolve("classes.log");
        int port = PackagedApp.freePort();
        ProcessBuilder builder = new ProcessBuilder(java(), "-Xlog:class+load=info:file=" + classes, "-jar",
                JAR.toString(), "node-agent").redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
        builder.environment().putAll(Map.of("NODE_NAME", "node-1", "KUBERNETES_MASTER", client.getMasterUrl().toString(),
                "S3JARS_POLICY_FILE", Path.of("examples/policies/multi-team.yaml").toAbsolutePath().toString(),
                "S3JARS_NODE_AGENT_MANAGE_MOUNT", "false", "S3JARS_NODE_AGENT_PORT", Integer.toString(port)));
        Process agent = builder.start();
        try {
            PackagedApp.awaitReady(agent, port);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("s3jars_node_mount_live{bucket=\"spark-jars-bucket\"} 0");
        } finally {
            agent.destroy();
            agent.waitFor(20, TimeUnit.SECONDS);
        }
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("the class-load log names the agent's classes")
                .anyMatch(line -> line.contains(" io.s3jars.nodeagent.WatchedObject "))
                .anyMatch(line -> line.contains(" io.s3jars.json.JsonTrees "));
        for (String library : NOT_LOADED) {
            assertThat(loaded).as(library + " must not be loaded by the node agent")
                    .noneMatch(line -> line.contains("] " + library));
        }
    }
}
