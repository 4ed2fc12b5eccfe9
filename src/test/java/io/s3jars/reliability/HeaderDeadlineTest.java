package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.WebhookClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Slow headers are cut off (the header deadline), while connections with nothing in flight, kept
 * alive after a request or new and unused, stay open for the API server to pick from its pool.
 */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
class HeaderDeadlineTest {

    private static final String HEADERS_START = "POST /mutate HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void headersTrickledPastTheDeadlineLoseTheirConnectionAndIdleOnesStay() throws Exception {
        byte[] review = Fixtures.resourceJson("/spark-pods/review-b-executor-1.json").toString()
                .getBytes(StandardCharsets.UTF_8);
        SSLSocket keptAlive = connect();
        assertThat(exchange(keptAlive, review)).startsWith("HTTP/1.1 200");

        Map<String, SSLSocket> slow = new LinkedHashMap<>();
        slow.put("headers trickled on a new connection", connect());
        SSLSocket reused = connect();
        assertThat(exchange(reused, review)).startsWith("HTTP/1.1 200");
        slow.put("headers trickled on a kept-alive connection after a request", reused);
        for (SSLSocket socket : slow.values()) {
            socket.getOutputStream().write(HEADERS_START.getBytes(StandardCharsets.US_ASCII));
        }
        SSLSocket silent = connect();

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
        assertThat(closed(silent)).isFalse();
        assertThat(exchange(keptAlive, review)).startsWith("HTTP/1.1 200");
        assertThat(exchange(silent, review)).startsWith("HTTP/1.1 200");
        keptAlive.close();
        silent.close();
        for (SSLSocket socket : slow.values()) {
            socket.close();
        }
    }

    private SSLSocket connect() throws Exception {
        SSLSocket socket = (SSLSocket) WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"))
                .getSocketFactory().createSocket("localhost", mutate.getPort());
        socket.startHandshake();
        return socket;
    }

    /** One header byte; false once the server has closed the connection. */
    private static boolean trickle(SSLSocket socket) {
        try {
            socket.getOutputStream().write('a');
            socket.getOutputStream().flush();
            return !closed(socket);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean closed(SSLSocket socket) {
        try {
            socket.setSoTimeout(50);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A whole request and its whole answer, on a connection kept alive; the answer's status line. */
    private static String exchange(SSLSocket socket, byte[] body) throws IOException {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the answer's headers: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = headers.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip())).findFirst().orElseThrow();
        in.readNBytes(length);
        return headers;
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
