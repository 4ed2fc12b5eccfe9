package io.s3jars.deploy;

import static io.s3jars.testing.PackagedApp.JAR;
import static io.s3jars.testing.PackagedApp.awaitReady;
import static io.s3jars.testing.PackagedApp.freePort;
import static io.s3jars.testing.PackagedApp.java;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's class-data sharing step, {@code src/main/docker/train-class-data-sharing.sh},
 * run as the Dockerfile runs it but on this JVM: it must write an archive from which the next
 * start of the same jar loads the application's classes.
 *
 * <p>Runs in the {@code integration-test} phase (failsafe), after {@code package}.
 */
class ClassDataSharingIT {

    private static final Path SCRIPT = Path.of("src/main/docker/train-class-data-sharing.sh");
    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");

    @TempDir
    Path work;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theTrainingScriptWritesAnArchiveTheNextStartLoadsFrom() throws Exception {
        Path archive = work.resolve("s3jars.jsa");
        Map<String, String> ports = Map.of("QUARKUS_HTTP_SSL_PORT", String.valueOf(freePort()),
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));

        ProcessBuilder training = new ProcessBuilder("bash", SCRIPT.toString(), JAR.toString(), archive.toString(),
                "-XX:+UseSerialGC").redirectErrorStream(true).redirectOutput(work.resolve("training.log").toFile());
        training.environment().putAll(ports);
        training.environment().put("PATH", Path.of(java()).getParent() + ":" + System.getenv("PATH"));
        Process trained = training.start();
        assertThat(trained.waitFor(90, TimeUnit.SECONDS)).as("training ends").isTrue();
        assertThat(trained.exitValue()).as(Files.readString(work.resolve("training.log"))).isZero();
        assertThat(Files.size(archive)).isGreaterThan(1 << 20);

        Path classes = work.resolve("classes.log");
        ProcessBuilder start = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info:file=" + classes, "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("start.log").toFile());
        start.environment().putAll(ports);
        start.environment().put("S3JARS_POLICY_FILE", "examples/policy.yaml");
        start.environment().put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + work);
        Process app = start.start();
        try {
            awaitReady(app, Integer.parseInt(ports.get("QUARKUS_MANAGEMENT_PORT")));
        } finally {
            app.destroy();
            app.waitFor(20, TimeUnit.SECONDS);
        }
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).anyMatch(line -> line.contains("io.s3jars.cli.S3JarsMain source: shared objects file (top)"))
                .anyMatch(line -> line.contains("io.vertx.core.http.impl.HttpServerImpl source: shared objects file (top)"));
    }

    @Test
    void theImageRunsTheScriptAndStartsFromItsArchive() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dockerfile).contains("COPY --chown=185 " + SCRIPT + " /deployments/")
                .contains("RUN /deployments/train-class-data-sharing.sh /deployments/quarkus-run.jar /deployments/s3jars.jsa")
                .containsPattern("ENV JAVA_OPTS_APPEND=\"[^\"]*-XX:SharedArchiveFile=/deployments/s3jars.jsa");
    }
}
