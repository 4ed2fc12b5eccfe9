package io.s3jars.reliability;

import static io.s3jars.testing.PackagedApp.JAR;
import static io.s3jars.testing.PackagedApp.awaitReady;
import static io.s3jars.testing.PackagedApp.freePort;
import static io.s3jars.testing.PackagedApp.java;
import static io.s3jars.testing.PackagedApp.readiness;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3jars.testing.RawHttpsConnection;
import io.s3jars.testing.RawHttpsConnection.Ending;
import io.s3jars.testing.RawHttpsConnection.Response;
import io.s3jars.testing.WebhookClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM as the kubelet sends it, to the packaged application ({@code target/quarkus-app}) in
 * local mode: requests in flight complete, kept-alive connections are closed without a reset, the
 * JVM exits within the shutdown timeout, and a restart on the same ports comes up ready.
 *
 * <p>A request is held in flight without any hook in the application: its body is sent in two
 * halves, with the SIGTERM in between. Busy connections behave as the API server's do once the
 * endpoint has left the Service (the chart's preStop): they send until an answer says
 * {@code Connection: close}, then open no new connection here.
 *
 * <p>Runs in the {@code integration-test} phase (failsafe), after {@code package}.
 */
class GracefulShutdownIT {

    private static final Path REVIEW_FILE = Path.of("src/test/resources/spark-pods/review-b-executor-1.json");
    /** Exit status of a JVM ended by SIGTERM once its shutdown hooks ran (128 + 15); Quarkus in JVM mode keeps it. */
    private static final int SIGTERM_EXIT = 143;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private byte[] review;
    private String uid;
    private SSLContext tls;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigtermFinishesInFlightRequestsClosesConnectionsAndRestartsClean() throws Exception {
        review = Files.readAllBytes(REVIEW_FILE);
        uid = JSON.readTree(review).path("request").path("uid").asText();
        certs(work.resolve("pki"));
        tls = WebhookClient.trusting(work.resolve("pki/ca.crt"));
        int webhookPort = freePort();
        int managementPort = freePort();

        Path firstLog = work.resolve("first.log");
        Process app = start(webhookPort, managementPort, firstLog);
        try {
            withLog(firstLog, () -> stopUnderLoad(app, webhookPort, managementPort));
        } finally {
            app.destroyForcibly();
        }

        Path secondLog = work.resolve("second.log");
        Process again = start(webhookPort, managementPort, secondLog);
        try {
            withLog(secondLog, () -> {
                awaitReady(again, managementPort);
                try (RawHttpsConnection connection = new RawHttpsConnection(tls, webhookPort)) {
                    assertAnswered(connection.post("/mutate", review));
                }
                again.destroy();
                assertThat(again.waitFor(20, TimeUnit.SECONDS)).as("restarted JVM exits").isTrue();
                assertThat(again.exitValue()).isEqualTo(SIGTERM_EXIT);
            });
        } finally {
            again.destroyForcibly();
        }
    }

    private void stopUnderLoad(Process app, int webhookPort, int managementPort) throws Exception {
        awaitReady(app, managementPort);

        List<RawHttpsConnection> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawHttpsConnection connection = new RawHttpsConnection(tls, webhookPort);
            Response answer = connection.post("/mutate", review);
            assertAnswered(answer);
            assertThat(answer.closesConnection()).as("kept alive before SIGTERM").isFalse();
            idle.add(connection);
        }

        AtomicBoolean deadline = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Boolean>> busy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            busy.add(pool.submit(() -> sendUntilClosed(webhookPort, deadline, answered, failures)));
        }
        while (answered.get() < 60 && failures.isEmpty()) {
            Thread.sleep(20);
        }

        RawHttpsConnection slow = new RawHttpsConnection(tls, webhookPort);
        byte[] head = slow.head("/mutate", review.length);
        slow.write(head, 0, head.length);
        slow.write(review, 0, review.length / 2);
        Thread.sleep(300);

        long sigterm = System.nanoTime();
        app.destroy();
        Thread.sleep(1_500);
        assertThat(app.isAlive()).as("the JVM waits for the request still uploading").isTrue();
        assertThat(readiness(managementPort)).as("readiness while stopping").isEqualTo(503);

        slow.write(review, review.length / 2, review.length);
        assertAnswered(slow.read());
        long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
        // It arrived before SIGTERM, so its answer keeps the connection alive; the stop then closes it.
        assertThat(slow.ending(5_000)).as("the held request's connection at stop").isEqualTo(Ending.EOF);

        assertThat(app.waitFor(20, TimeUnit.SECONDS)).as("exits within quarkus.shutdown.timeout").isTrue();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
        assertThat(app.exitValue()).isEqualTo(SIGTERM_EXIT);

        deadline.set(true);
        for (Future<Boolean> sender : busy) {
            assertThat(sender.get(10, TimeUnit.SECONDS)).as("a busy connection got Connection: close").isTrue();
        }
        pool.shutdownNow();
        assertThat(failures).isEmpty();
        for (RawHttpsConnection connection : idle) {
            assertThat(connection.ending(5_000)).as("an idle kept-alive connection at stop").isEqualTo(Ending.EOF);
            connection.close();
        }
        System.out.printf("graceful shutdown: %d answers on busy connections, 0 failed; the held upload answered "
                + "%d ms after SIGTERM, JVM exited %d after %d ms%n", answered.get(), heldMillis, app.exitValue(), stopMillis);
    }

    /** Sends on one connection until an answer closes it; true if the server closed it that way. */
    private boolean sendUntilClosed(int port, AtomicBoolean deadline, AtomicInteger answered, List<String> failures) {
        try (RawHttpsConnection connection = new RawHttpsConnection(tls, port)) {
            while (!deadline.get()) {
                Response answer = connection.post("/mutate", review);
                String problem = problem(answer);
                if (problem != null) {
                    failures.add(problem);
                    return false;
                }
                answered.incrementAndGet();
                if (answer.closesConnection()) {
                    Ending ending = connection.ending(5_000);
                    if (ending != Ending.EOF) {
                        failures.add("busy connection after Connection: close: " + ending);
                    }
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            failures.add("busy connection: " + e);
            return false;
        }
    }

    private void assertAnswered(Response answer) {
        assertThat(problem(answer)).isNull();
    }

    /** Null for a 200 carrying this review's AdmissionReview answer with a patch, else what is wrong. */
    private String problem(Response answer) {
        if (answer.status() != 200) {
            return "status " + answer.status() + ": " + answer.body();
        }
        try {
            JsonNode response = JSON.readTree(answer.body()).path("response");
            if (!uid.equals(response.path("uid").asText()) || !response.path("allowed").asBoolean()
                    || response.path("patch").asText().isEmpty()) {
                return "unexpected answer: " + answer.body();
            }
            return null;
        } catch (IOException e) {
            return "not JSON: " + answer.body();
        }
    }

    private Process start(int webhookPort, int managementPort, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", JAR.toString());
        builder.environment().put("S3JARS_POLICY_FILE", "examples/policy.yaml");
        builder.environment().put("S3JARS_TLS_CERT", work.resolve("pki/tls.crt").toString());
        builder.environment().put("S3JARS_TLS_KEY", work.resolve("pki/tls.key").toString());
        builder.environment().put("QUARKUS_HTTP_SSL_PORT", String.valueOf(webhookPort));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void certs(Path out) throws Exception {
        Process certs = new ProcessBuilder(java(), "-jar", JAR.toString(), "certs", "--service", "s3jars",
                "--namespace", "it", "--dns", "localhost", "--ip", "127.0.0.1", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("certs.log").toFile()).start();
        assertThat(certs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(certs.exitValue()).as(Files.readString(work.resolve("certs.log"))).isZero();
    }

    private interface Check {
        void run() throws Exception;
    }

    /** Runs the check and, when it fails, adds the application's log to the failure. */
    private static void withLog(Path log, Check check) throws Exception {
        try {
            check.run();
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e.getMessage() + "\n--- application log ---\n" + Files.readString(log), e);
        }
    }
}
