package io.s3jars.nodeagent;

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
 * mount table, and runs its loop until SIGTERM. Quarkus is not started and fabric8's client is not
 * used ({@link ApiServer}): the agent needs no webhook port, no informers on every node and
 * namespace, and no CDI container, and it runs on every node, where each megabyte counts.
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
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
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
        AgentLogging.configure();
        AgentSettings settings;
        ApiServer api;
        try {
            settings = AgentSettings.fromEnvironment(env);
            api = ApiServer.fromEnvironment(env, ApiServer.SERVICE_ACCOUNT);
        } catch (IllegalArgumentException e) {
            err.println("s3jars node-agent: cannot start: " + e.getMessage());
            return 2;
        }
        AgentEvents events = new AgentEvents();
        Running agent;
        try {
            agent = start(settings, api, policySource(env, api, events), MountTable.PROC_MOUNTINFO, SYSTEM,
                    events);
        } catch (IOException e) {
            err.println("s3jars node-agent: cannot start: port " + settings.port() + ": " + e.getMessage()
                    + "; set S3JARS_NODE_AGENT_PORT to a free port");
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "s3jars-node-agent-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** A started agent: its loop, its node watch and its HTTP port. Closing it is what SIGTERM does. */
    static final class Running implements AutoCloseable {
        final NodeAgent agent;
        final AgentHttp http;
        private final ScheduledExecutorService loop;
        private final MountCheck check;
        private final ApiNodeAccess node;
        private final PolicySource policies;

        private Running(NodeAgent agent, AgentHttp http, ScheduledExecutorService loop, MountCheck check,
                ApiNodeAccess node, PolicySource policies) {
            this.agent = agent;
            this.http = http;
            this.loop = loop;
            this.check = check;
            this.node = node;
            this.policies = policies;
        }

        /** Stops the loop, removes the labels, leaves the mounts (docs/node-agent.md). */
        @Override
        public void close() {
            loop.shutdown();
            try {
                loop.awaitTermination(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            agent.unlabelAll();
            http.close();
            check.close();
            node.close();
            policies.close();
        }
    }

    /** Wires and starts an agent: the process above, and tests against a mock API server and real mounts. */
    static Running start(AgentSettings settings, ApiServer api, PolicySource policies, Path mountinfo,
            BucketMountSupervisor.Processes processes, AgentEvents events)
            throws IOException {
        ApiNodeAccess node = new ApiNodeAccess(api, settings.nodeName());
        node.start();
        MountCheck check = new MountCheck(mountinfo, settings.checkTimeout());
        NodeAgent agent = new NodeAgent(settings, policies, node, check, processes, events, Clock.systemUTC());
        AgentHttp http;
        try {
            http = new AgentHttp(settings.port(), () -> agent.roundWithin(AgentHttp.liveness(settings.interval())),
                    agent::notReady, events::metricsText);
        } catch (IOException e) {
            check.close();
            node.close();
            policies.close();
            throw e;
        }
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task,
                "s3jars-node-agent"));
        loop.scheduleWithFixedDelay(agent::round, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        events.info("node agent started on node " + settings.nodeName() + " (" + (settings.manageMount()
                ? "mounting with " + settings.mountS3() : "checking mounts made by the node") + ", every "
                + settings.interval().toMillis() + " ms, health and metrics on port " + http.port() + ")");
        return new Running(agent, http, loop, check, node, policies);
    }

    private static PolicySource policySource(Map<String, String> env, ApiServer api, AgentEvents events) {
        String file = env.get("S3JARS_POLICY_FILE");
        if (file != null && !file.isBlank()) {
            return new FilePolicySource(Path.of(file), events);
        }
        ConfigMapPolicySource source = new ConfigMapPolicySource(api,
                env.getOrDefault("S3JARS_NAMESPACE", "s3jars-system"),
                env.getOrDefault("S3JARS_POLICY_CONFIG_MAP_NAME", "s3jars-policy"),
                env.getOrDefault("S3JARS_POLICY_CONFIG_MAP_KEY", "policy.yaml"), events);
        source.start();
        return source;
    }
}
