package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.RawHttpsConnection;
import io.s3jars.testing.WebhookClient;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold connections with half-sent headers cannot take the webhook past its memory:
 * beyond the connection limit (here 8, 1,024 in production) new connections are closed at once,
 * and once the holders go, requests are answered again.
 */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
@TestProfile(ConnectionLimitTest.EightConnections.class)
class ConnectionLimitTest {

    public static final class EightConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-connections", "8");
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void connectionsBeyondTheLimitAreClosedAndServedAgainOnceTheHoldersGo() throws Exception {
        SSLContext tls = WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"));
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        List<RawHttpsConnection> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                RawHttpsConnection holder = new RawHttpsConnection(tls, mutate.getPort());
                byte[] head = holder.head("/mutate", review.length);
                holder.write(head, 0, head.length / 2); // part of the headers, then nothing
                holders.add(holder);
            }
            assertThatThrownBy(() -> {
                try (RawHttpsConnection ninth = new RawHttpsConnection(tls, mutate.getPort())) {
                    ninth.post("/mutate", review);
                }
            }).isInstanceOf(IOException.class);
        } finally {
            for (RawHttpsConnection holder : holders) {
                holder.close();
            }
        }
        Thread.sleep(500); // the server sees the holders' connections end
        try (RawHttpsConnection after = new RawHttpsConnection(tls, mutate.getPort())) {
            assertThat(after.post("/mutate", review).status()).isEqualTo(200);
        }
    }

    /** Request headers over 2 KiB are refused (431): what a connection may make the server hold is small. */
    @Test
    void headersOverTwoKibAreRefused() throws Exception {
        SSLContext tls = WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"));
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        try (RawHttpsConnection connection = new RawHttpsConnection(tls, mutate.getPort())) {
            byte[] head = ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Padding: "
                    + "x".repeat(2100) + "\r\nContent-Length: " + review.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            connection.write(head, 0, head.length);
            connection.write(review, 0, review.length);
            assertThat(connection.read().status()).isEqualTo(431);
        }
        try (RawHttpsConnection connection = new RawHttpsConnection(tls, mutate.getPort())) {
            assertThat(connection.post("/mutate", review).status()).isEqualTo(200);
        }
    }
}
