package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.s3jars.admission.Refusals.Refusal;
import io.s3jars.decision.Decision;
import io.s3jars.testing.Fixtures;
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

        Refusal failed = catchThrowableOfType(Refusal.class, () -> exchange.answer(review));
        assertThat(failed.status).isEqualTo(500);
        assertThat(failed.getMessage()).contains("could not review", "a bug in a step");
        assertThat(registry.get("s3jars.admissions").tag("outcome", "error").counter().count()).isEqualTo(1);

        broken.set(false);
        assertThat(new String(exchange.answer(review), StandardCharsets.UTF_8)).contains("\"allowed\":true");
    }

    @Test
    void aBadReviewGets400ThatSaysWhyWithoutAStackTrace() {
        Refusal bad = catchThrowableOfType(Refusal.class,
                () -> exchange.answer("{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.getMessage()).isEqualTo("kind must be AdmissionReview, got 'Pod'");
        assertThat(bad.getStackTrace()).isEmpty();
        assertThat(registry.get("s3jars.admissions").tag("outcome", "error").counter().count()).isEqualTo(1);
    }
}
