package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.WebhookClient;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Over the ration, a review over 64 KiB is refused with 503 before its body is read; small ones still pass. */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
@TestProfile(LargeReviewRationTest.OnePerHour.class)
class LargeReviewRationTest {

    public static final class OnePerHour implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("s3jars.limits.large-reviews-per-second", "0.0003");
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void theSecondLargeReviewIsRefusedUnreadAndSmallOnesStillPass() {
        WebhookClient client = new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"));
        ObjectNode review = (ObjectNode) Fixtures.resourceJson("/spark-pods/review-b-executor-1.json");
        byte[] small = review.toString().getBytes(StandardCharsets.UTF_8);
        ((ObjectNode) review.at("/request/object/metadata")).withObject("annotations").put("padding", "x".repeat(100_000));
        byte[] large = review.toString().getBytes(StandardCharsets.UTF_8);

        assertThat(client.post(mutate, "application/json", large).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = client.post(mutate, "application/json", large);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("reviews over 64 KiB a second");
        assertThat(client.post(mutate, "application/json", small).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyWithoutContentLengthGets411() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"))).build();
        byte[] small = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = http.send(java.net.http.HttpRequest.newBuilder(mutate.toURI())
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers
                        .ofInputStream(() -> new java.io.ByteArrayInputStream(small))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(411);
    }
}
