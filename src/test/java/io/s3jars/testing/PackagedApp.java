package io.s3jars.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The packaged application ({@code target/quarkus-app}) run as a process, for the integration tests. */
public final class PackagedApp {

    public static final Path JAR = Path.of(System.getProperty("s3jars.app.jar", "target/quarkus-app/quarkus-run.jar"));

    private PackagedApp() {
    }

    /** The JVM running the tests, so the application runs on the same one. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public static void awaitReady(Process app, int managementPort) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (readiness(managementPort) != 200) {
            assertThat(app.isAlive()).as("the application is running").isTrue();
            assertThat(System.nanoTime()).as("ready within 30 s").isLessThan(until);
            Thread.sleep(50);
        }
    }

    /** Status of GET /q/health/ready, or -1 when nothing answers. */
    public static int readiness(int managementPort) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + managementPort + "/q/health/ready")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListening) {
            return -1;
        }
    }
}
