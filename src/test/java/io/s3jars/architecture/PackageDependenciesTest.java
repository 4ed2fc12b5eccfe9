package io.s3jars.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The pure packages (pod in, patch or denial out) use the JDK, Jackson's tree and each other only:
 * no Quarkus, no Vert.x, no Kubernetes client. Checked with the JDK's own {@code jdeps} on the
 * compiled classes, so an import that slips in fails the build.
 */
class PackageDependenciesTest {

    private static final List<String> PURE = List.of("io.s3jars.mutation", "io.s3jars.policy", "io.s3jars.cluster",
            "io.s3jars.decision", "io.s3jars.guard", "io.s3jars.guard.baseline", "io.s3jars.volumes", "io.s3jars.json");
    private static final List<String> ALLOWED = List.of("java.", "com.fasterxml.jackson.", "io.s3jars.mutation",
            "io.s3jars.policy", "io.s3jars.cluster", "io.s3jars.decision", "io.s3jars.guard", "io.s3jars.volumes",
            "io.s3jars.json");

    @Test
    void purePackagesDependOnNoFrameworkOrClient() {
        Set<String> edges = edgesFrom(PURE);
        assertThat(edges).as("jdeps must report the pure packages' dependencies").isNotEmpty();
        assertThat(edges.stream().filter(edge -> ALLOWED.stream().noneMatch(edge.split(" -> ")[1]::startsWith)))
                .isEmpty();
    }

    /**
     * The node agent runs on every node and must stay small (docs/node-agent.md, "Memory"): it
     * starts no Quarkus and loads no Kubernetes client, Vert.x, Netty, Micrometer or picocli, nor the
     * webhook's packages that do.
     */
    @Test
    void theNodeAgentLoadsNoKubernetesClientNorWebServer() {
        Set<String> edges = edgesFrom(List.of("io.s3jars.nodeagent"));
        assertThat(edges).as("jdeps must report the agent's dependencies").isNotEmpty();
        List<String> heavy = List.of("io.fabric8.", "io.vertx.", "io.netty.", "io.quarkus.", "io.micrometer.",
                "picocli.", "io.s3jars.watch", "io.s3jars.app", "io.s3jars.admission", "io.s3jars.cli");
        assertThat(edges.stream().filter(edge -> heavy.stream().anyMatch(edge.split(" -> ")[1]::startsWith))).isEmpty();
    }

    /** Every "package -> package" edge jdeps finds in the compiled classes, from the given packages. */
    private static Set<String> edgesFrom(List<String> packages) {
        StringWriter out = new StringWriter();
        int exit = ToolProvider.findFirst("jdeps").orElseThrow()
                .run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package", "target/classes");
        assertThat(exit).isZero();
        Set<String> edges = new TreeSet<>();
        for (String line : out.toString().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[1].equals("->") && packages.contains(parts[0])) {
                edges.add(parts[0] + " -> " + parts[2]);
            }
        }
        return edges;
    }
}
