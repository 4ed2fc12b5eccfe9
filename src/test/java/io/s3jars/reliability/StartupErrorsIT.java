package io.s3jars.reliability;

import static io.s3jars.testing.PackagedApp.JAR;
import static io.s3jars.testing.PackagedApp.freePort;
import static io.s3jars.testing.PackagedApp.java;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server refuses to start on a mistake with a few lines that say what to do, never a stack trace. */
class StartupErrorsIT {

    @TempDir
    Path dir;

    @Test
    void anInvalidPolicyFileListsEveryErrorAndExitsTwo() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\nbuckets: [{name: Bad_Name}]\nbindings: 7\n");
        Run result = run(Map.of("S3JARS_POLICY_FILE", policy.toString()));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("s3jars: cannot start: the policy file " + policy + " is invalid")
                .contains("  buckets[0].name").contains("  bindings must be a list").doesNotContain("\tat ");
        assertThat(run(Map.of("S3JARS_POLICY_FILE", "nope.yaml")).stderr())
                .isEqualTo("s3jars: cannot start: the policy file nope.yaml (S3JARS_POLICY_FILE) does not exist\n");
    }

    @Test
    void certificateFilesThatCannotServeSayWhichAndWhy() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("pki"));
        assertThat(run("certs", "--service", "s3jars", "--namespace", "s3jars-system", "--out", tls.toString()).exit())
                .isZero();
        String cert = tls.resolve("tls.crt").toString();
        String key = tls.resolve("tls.key").toString();

        Run keyOnly = run(Map.of("S3JARS_TLS_KEY", key));
        assertThat(keyOnly.exit()).isEqualTo(2);
        assertThat(keyOnly.stderr()).isEqualTo("s3jars: cannot start: S3JARS_TLS_KEY is set but S3JARS_TLS_CERT is not:"
                + " set both, or neither for a local certificate\n");
        assertThat(run(Map.of("S3JARS_TLS_CERT", key, "S3JARS_TLS_KEY", cert)).stderr()).isEqualTo(
                "s3jars: cannot start: TLS: " + key + " holds a private key and " + cert + " a certificate: the two"
                        + " files are swapped (S3JARS_TLS_CERT names the certificate, S3JARS_TLS_KEY the key)\n");
        assertThat(run(Map.of("S3JARS_TLS_CERT", cert, "S3JARS_TLS_KEY", dir.resolve("nope.key").toString()))
                .stderr()).isEqualTo("s3jars: cannot start: TLS: " + dir.resolve("nope.key") + " does not exist\n");
    }

    /** What a user types first, through the packaged jar's real main: help, version, a certs run. */
    @Test
    void helpVersionAndCertsAnswerThroughTheRealMainWithoutNoise() throws Exception {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).startsWith("Usage: s3jars [COMMAND] [OPTIONS]").contains("inject", "certs", "node-agent");
        assertThat(run("serve", "--help").stdout()).isEqualTo(help.stdout());
        Run version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.stdout()).startsWith("s3jars ").hasLineCount(1);
        assertThat(run("certs", "--version").stdout()).isEqualTo(version.stdout());
        Run certsHelp = run("certs", "--help");
        assertThat(certsHelp.exit()).isZero();
        assertThat(certsHelp.stdout()).contains("--service", "--namespace", "--out");
        Run unknown = run("nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr()).startsWith("unknown command nope");
        Run certs = run("certs", "--service", "s3jars", "--namespace", "s3jars-system", "--out",
                dir.resolve("out").toString());
        assertThat(certs.exit()).isZero();
        assertThat(certs.stdout() + certs.stderr()).doesNotContain("DEBUG", "jdk.event.security", "\tat ");
        assertThat(dir.resolve("out/tls.crt")).exists();
        Run unwritable = run("certs", "--service", "s3jars", "--namespace", "s3jars-system", "--out",
                "/proc/s3jars-cannot-write-here");
        assertThat(unwritable.exit()).isNotZero();
        assertThat(unwritable.stderr().lines().count()).as(unwritable.stderr()).isLessThanOrEqualTo(3);
        assertThat(unwritable.stderr()).contains("/proc/s3jars-cannot-write-here").doesNotContain("\tat ", "DEBUG");
    }

    /** The chart runs node-agent with no argument, which skips picocli; both ways must still answer. */
    @Test
    void theNodeAgentAnswersWithAndWithoutArguments() throws Exception {
        Run noNode = run(Map.of("NODE_NAME", ""), "node-agent");
        assertThat(noNode.exit()).isEqualTo(2);
        assertThat(noNode.stderr()).startsWith("s3jars node-agent: cannot start: NODE_NAME is not set").doesNotContain("\tat ");
        assertThat(noNode.stderr().lines().count()).as(noNode.stderr()).isLessThanOrEqualTo(2);
        Run help = run("node-agent", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("NODE_NAME (required)", "S3JARS_NODE_AGENT_PORT");
        Run wrong = run("node-agent", "--mount");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.stderr()).startsWith("Unknown option: '--mount'");
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    /** The packaged jar's real main with this environment and these arguments; it must exit by itself. */
    private static Run run(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process app = builder.start();
        app.getOutputStream().close();
        var stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(app.getInputStream()));
        String stderr = read(app.getErrorStream());
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("exits by itself").isTrue();
        return new Run(app.exitValue(), stdout.join(), stderr);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aPortInUseNamesTheSettingThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            Run result = run(Map.of("S3JARS_POLICY_FILE", "examples/policy.yaml",
                    "QUARKUS_HTTP_SSL_PORT", String.valueOf(taken.getLocalPort()),
                    "QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort())));
            assertThat(result.exit()).isEqualTo(2);
            assertThat(result.stderr()).isEqualTo("s3jars: cannot start: port " + taken.getLocalPort()
                    + " is in use; stop what holds it, or set QUARKUS_HTTP_SSL_PORT to another port\n");
        }
    }

    /**
     * Without S3JARS_POLICY_FILE and without a cluster, the server says so in one line with what to
     * do, and retries quietly: no stack trace per attempt (fabric8 logs one for every informer and
     * Lease attempt).
     */
    @Test
    void anUnreachableClusterIsOneLineThatNamesLocalMode() throws Exception {
        int apiServer = freePort(); // nothing listens there: every call is refused at once
        ProcessBuilder builder = new ProcessBuilder(java(), "-XX:TieredStopAtLevel=1", "-jar", JAR.toString());
        builder.environment().putAll(Map.of("KUBERNETES_MASTER", "https://127.0.0.1:" + apiServer,
                "QUARKUS_HTTP_SSL_PORT", String.valueOf(freePort()), "QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort())));
        builder.redirectErrorStream(true);
        Path log = dir.resolve("out.log");
        builder.redirectOutput(log.toFile());
        Process app = builder.start();
        try {
            String expected = "cluster mode: cannot reach the API server at https://127.0.0.1:" + apiServer + "/ (";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains(expected) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(8000); // several retries of every informer and of the Lease
            String output = Files.readString(log);
            assertThat(output).contains(expected).contains("set S3JARS_POLICY_FILE to a policy file")
                    .doesNotContain("\tat ").doesNotContain("Exception occurred while acquiring lock");
            assertThat(output.lines().filter(l -> l.contains("cannot reach the API server"))).hasSize(1);
            assertThat(output.lines().count()).as(output).isLessThan(10);
        } finally {
            app.destroy();
            app.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
