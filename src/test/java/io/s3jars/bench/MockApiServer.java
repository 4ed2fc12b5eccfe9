package io.s3jars.bench;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * fabric8's mock API server (CRUD mode) as a process, with the nodes named on the command line
 * and, with {@code --policy}, the policy ConfigMap {@code s3jars-system/s3jars-policy},
 * for measurements of a real {@code s3jars node-agent} process (src/bench/node-agent-rss.sh).
 * Serves HTTPS, as a real API server does, so the agent's memory includes its TLS handshakes.
 * Prints the file of its self-signed certificate, then its URL, then serves until killed.
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    /** {@code [--policy FILE] NODE...}: the policy goes into the ConfigMap the chart's agent reads. */
    public static void main(String[] args) throws InterruptedException, IOException {
        boolean withPolicy = args.length >= 2 && args[0].equals("--policy");
        String[] nodes = withPolicy ? Arrays.copyOfRange(args, 2, args.length) : args;
        MockWebServer web = new MockWebServer();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), web, new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            for (String node : nodes) {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                        .withLabels(Map.of("kubernetes.io/os", "linux")).endMetadata().build()).create();
            }
            if (withPolicy) {
                client.configMaps().inNamespace("s3jars-system").resource(new ConfigMapBuilder().withNewMetadata()
                        .withName("s3jars-policy").withNamespace("s3jars-system").endMetadata()
                        .addToData("policy.yaml", Files.readString(Path.of(args[1])))
                        .build()).create();
            }
        }
        System.out.println("ca " + web.getSelfSignedCertificate().certificatePath());
        System.out.println(server.url("/").replaceAll("/$", ""));
        Thread.currentThread().join();
    }
}
