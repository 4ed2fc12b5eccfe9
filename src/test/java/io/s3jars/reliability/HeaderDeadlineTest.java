package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.RawHttpsConnection;
import io.s3jars.testing.RawHttpsConnection.Ending;
import io.s3jars.testing.WebhookClient;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Slow headers are cut off (the header deadline), while connections with nothing in flight, kept
 * alive after a request or new and unused, stay open for the API server to pick from its pool.
 */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
class HeaderDeadlineTest {

    private static final byte[] HEADERS_START = "POST /mutate HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE_HEADER_BYTE = {'a'};

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void headersTrickledPastTheDeadlineLoseTheirConnectionAndIdleOnesStay() throws Exception {
        SSLContext tls = WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"));
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        RawHttpsConnection keptAlive = new RawHttpsConnection(tls, mutate.getPort());
        assertThat(keptAlive.post("/mutate", review).status()).isEqualTo(200);

        Map<String, RawHttpsConnection> slow = new LinkedHashMap<>();
        slow.put("headers trickled on a new connection", new RawHttpsConnection(tls, mutate.getPort()));
        RawHttpsConnection reused = new RawHttpsConnection(tls, mutate.getPort());
        assertThat(reused.post("/mutate", review).status()).isEqualTo(200);
        slow.put("headers trickled on a kept-alive connection after a request", reused);
        for (RawHttpsConnection connection : slow.values()) {
            connection.write(HEADERS_START, 0, HEADERS_START.length);
        }
        RawHttpsConnection silent = new RawHttpsConnection(tls, mutate.getPort());

        long start = System.nanoTime();
        Map<String, Duration> closedAfter = new LinkedHashMap<>();
        while (closedAfter.size() < 2 && elapsed(start).compareTo(Duration.ofSeconds(25)) < 0) {
            for (var entry : slow.entrySet()) {
                if (!closedAfter.containsKey(entry.getKey()) && !trickle(entry.getValue())) {
                    closedAfter.put(entry.getKey(), elapsed(start));
                }
            }
            Thread.sleep(400);
        }

        assertThat(closedAfter).hasSize(2);
        // The clock starts at the first bytes the server sees on a watched connection (a second at most
        // after its accept), and the sweep runs every second.
        assertThat(closedAfter.values()).allSatisfy(after -> assertThat(after)
                .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(14)));
        // Idle for as long with nothing in flight, kept alive or never used: still open, and they answer.
        assertThat(silent.ending(50)).isEqualTo(Ending.STILL_OPEN);
        assertThat(keptAlive.post("/mutate", review).status()).isEqualTo(200);
        assertThat(silent.post("/mutate", review).status()).isEqualTo(200);
        keptAlive.close();
        silent.close();
        for (RawHttpsConnection connection : slow.values()) {
            connection.close();
        }
    }

    /** One header byte; false once the server has closed the connection. */
    private static boolean trickle(RawHttpsConnection connection) {
        try {
            connection.write(ONE_HEADER_BYTE, 0, 1);
            return connection.ending(50) == Ending.STILL_OPEN;
        } catch (IOException closed) {
            return false;
        }
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
