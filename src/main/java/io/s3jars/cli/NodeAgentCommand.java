package io.s3jars.cli;

import io.s3jars.nodeagent.NodeAgentProcess;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code node-agent}: the per-node agent that mounts the policy's buckets and labels its node (docs/node-agent.md). */
@Command(name = "node-agent", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Mount every bucket this node should have with mount-s3, keep its mount-ready labels true,",
            "and record its mount paths for the guard. Runs until SIGTERM; configured by environment variables:",
            "  NODE_NAME (required)                     this node's name (downward API: spec.nodeName)",
            "  S3JARS_POLICY_FILE                       a policy file; else the ConfigMap below",
            "  S3JARS_NAMESPACE                         the policy ConfigMap's namespace (s3jars-system)",
            "  S3JARS_POLICY_CONFIG_MAP_NAME, _KEY      the ConfigMap and key (s3jars-policy, policy.yaml)",
            "  S3JARS_MOUNT_S3                          mount-s3 (found on the PATH)",
            "  S3JARS_NODE_AGENT_MANAGE_MOUNT           false: only check mounts the node makes (true)",
            "  S3JARS_NODE_AGENT_CACHE_DIR              each bucket's cache goes under it (/var/cache/s3jars)",
            "  S3JARS_NODE_AGENT_INTERVAL_SECONDS       how often mounts are checked (5)",
            "  S3JARS_NODE_AGENT_CHECK_TIMEOUT_SECONDS   a mount slower to answer is not live (5)",
            "  S3JARS_NODE_AGENT_PORT                   health and metrics (9000)",
            "  S3JARS_NODE_AGENT_MOUNT_ROOT             buckets' node mount paths must lie under it (anywhere)",
            "  S3JARS_UMOUNT                            umount, for dead and retired mounts (umount)",
            "  KUBERNETES_MASTER, KUBERNETES_CERTS_CA_FILE  another API server and its CA (the pod's)"},
        footer = "Exit status: 2 when a setting is wrong; otherwise it runs until stopped.")
public final class NodeAgentCommand implements Callable<Integer> {

    private final PrintStream err;

    private NodeAgentCommand(PrintStream err) {
        this.err = err;
    }

    /**
     * With no argument, which is how the chart runs it, the agent starts without picocli: its
     * parser and help model are about 170 classes the agent's memory budget would otherwise carry
     * for as long as it runs. Any argument (help, version, a mistake) goes through picocli.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        NodeAgentCommand command = new NodeAgentCommand(err);
        if (args.length > 0) {
            return Commands.execute(command, args, out, err);
        }
        try {
            return command.call();
        } catch (RuntimeException e) {
            // What picocli's execution handler (Commands) would print: one line, the setting's exit status.
            err.println("node-agent: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    @Override
    public Integer call() {
        return NodeAgentProcess.run(System.getenv(), err);
    }
}
