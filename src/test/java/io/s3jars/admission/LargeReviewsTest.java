package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ration of reviews over 64 KiB: small ones always pass, large ones at the configured rate. */
class LargeReviewsTest {

    private static final long MAX_BODY = 3 * 1024 * 1024;
    private final AtomicLong now = new AtomicLong();
    private final LargeReviews large = new LargeReviews(1, MAX_BODY, now::get);

    @Test
    void largeReviewsPassInABurstOfTwoThenOneASecond() {
        assertThat(large.admit(2_000_000)).isTrue();
        assertThat(large.admit(-1)).as("no Content-Length counts as large").isTrue();
        assertThat(large.admit(2_000_000)).isFalse();
        assertThat(large.admit(6_000)).as("a real pod's review").isTrue();
        assertThat(large.admit(MAX_BODY + 1)).as("refused with 413 by the server instead").isTrue();
        now.addAndGet(500_000_000);
        assertThat(large.admit(100_000)).isFalse();
        now.addAndGet(500_000_000);
        assertThat(large.admit(100_000)).isTrue();
        assertThat(large.admit(100_000)).isFalse();
        now.addAndGet(60_000_000_000L);
        assertThat(large.admit(100_000)).isTrue();
        assertThat(large.admit(100_000)).isTrue();
        assertThat(large.admit(100_000)).as("the burst does not grow with idle time").isFalse();
        assertThat(large.refusal()).contains("at most 1.0 reviews over 64 KiB a second");
    }

    @Test
    void aRateOfZeroOrLessIsRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LargeReviews(0, MAX_BODY, now::get))
                .hasMessage("S3JARS_LIMITS_LARGE_REVIEWS_PER_SECOND must be above 0, not 0.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LargeReviews(Double.NaN, MAX_BODY, now::get))
                .hasMessageContaining("must be above 0");
    }
}
