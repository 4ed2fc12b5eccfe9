package io.s3jars.nodeagent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code s3jars node-agent}: wires the agent to the API server, {@code mount-s3} and the node's
 * mount table, and runs its loop until SIGTERM. Quarkus is not started: the agent needs no
 * webhook port, no informers on every node and namespace, and no CDI container, and it runs on
 * every node, where each megabyte counts.
 */
public final class NodeAgentProcess {

    /** Runs processes for real: mount-s3 with its output in the agent's log, umount bounded in time. */
    static final BucketMountSupervisor.Processes SYSTEM = new BucketMountSupervisor.Processes() {
        @Override
        public Process start(List<String> argv) throws IOException {
            return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(Redirect.INHERIT).start();
        }

        @Override
        public int run(List<String> argv) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        }
    };

    private NodeAgentProcess() {
    }

    /** Runs the agent until the JVM is asked to stop; returns only when it cannot start (exit status 2). */
    public static int run(Map<String, String> env, PrintStream err) {
        AgentSettings settings;
        try {
            settings = AgentSettings.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println("s3jars node-agent: cannot start: " + e.getMessage());
            return 2;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AgentEvents events = new AgentEvents(registry);
        KubernetesClient client = new KubernetesClientBuilder().build();
        PolicySource policies = policySource(env, client, events);
        ApiNodeAccess node = new ApiNodeAccess(client, settings.nodeName());
        node.start();
        MountCheck check = new MountCheck(MountTable.PROC_MOUNTINFO, settings.statTimeout());
        NodeAgent agent = new NodeAgent(settings, policies, node, check, SYSTEM, events, Clock.systemUTC());
        AgentHttp http;
        try {
            http = new AgentHttp(settings.port(), () -> agent.roundWithin(AgentHttp.liveness(settings.interval())),
                    agent::notReady, registry);
        } catch (IOException e) {
            err.println("s3jars node-agent: cannot start: port " + settings.port() + ": " + e.getMessage()
                    + "; set S3JARS_NODE_AGENT_PORT to a free port");
            client.close();
            return 2;
        }
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task,
                "s3jars-node-agent"));
        loop.scheduleWithFixedDelay(agent::round, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        events.info("node agent started on node " + settings.nodeName() + " (" + (settings.manageMount()
                ? "mounting with " + settings.mountS3() : "checking mounts made by the node") + ", every "
                + settings.interval().toMillis() + " ms, health and metrics on port " + http.port() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loop.shutdown();
            try {
                loop.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            agent.unlabelAll();
            http.close();
            check.close();
            node.close();
            policies.close();
            client.close();
            stopped.countDown();
        }, "s3jars-node-agent-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static PolicySource policySource(Map<String, String> env, KubernetesClient client, AgentEvents events) {
        String file = env.get("S3JARS_POLICY_FILE");
        if (file != null && !file.isBlank()) {
            return new FilePolicySource(Path.of(file), events);
        }
        ConfigMapPolicySource source = new ConfigMapPolicySource(client,
                env.getOrDefault("S3JARS_NAMESPACE", "s3jars-system"),
                env.getOrDefault("S3JARS_POLICY_CONFIG_MAP_NAME", "s3jars-policy"),
                env.getOrDefault("S3JARS_POLICY_CONFIG_MAP_KEY", "policy.yaml"));
        source.start();
        return source;
    }
}
