package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.s3jars.decision.Decision;
import io.s3jars.testing.Fixtures;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The exchange around a decision: a decision that throws costs one 500, never the next request. */
class AdmissionExchangeTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicBoolean broken = new AtomicBoolean(true);
    private final AdmissionExchange exchange = new AdmissionExchange("/mutate",
            new AdmissionLog(new AdmissionMetrics(registry)), new ReviewReader(ReviewReader.NOT_READ),
            request -> {
                if (broken.get()) {
                    throw new IllegalStateException("a bug in a step");
                }
                return new Decision.Skip("fine");
            }, "pods");

    @Test
    void aDecisionThatThrowsGets500AndIsCountedAndTheNextRequestIsAnswered() {
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);

        Response failed = exchange.answer(review);
        assertThat(failed.getStatus()).isEqualTo(500);
        assertThat(body(failed)).contains("could not review", "a bug in a step");
        assertThat(registry.get("s3jars.admissions").tag("outcome", "error").counter().count()).isEqualTo(1);

        broken.set(false);
        Response answered = exchange.answer(review);
        assertThat(answered.getStatus()).isEqualTo(200);
        assertThat(body(answered)).contains("\"allowed\":true");
    }

    @Test
    void aBadReviewGets400ThatSaysWhy() {
        Response bad = exchange.answer("{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(bad.getMediaType().toString()).startsWith("text/plain");
        assertThat(body(bad)).isEqualTo("kind must be AdmissionReview, got 'Pod'");
        assertThat(registry.get("s3jars.admissions").tag("outcome", "error").counter().count()).isEqualTo(1);
    }

    private static String body(Response response) {
        return new String((byte[]) response.getEntity(), StandardCharsets.UTF_8);
    }
}
