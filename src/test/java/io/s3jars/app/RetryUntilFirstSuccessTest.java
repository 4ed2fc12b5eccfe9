package io.s3jars.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The first certificate check is retried 1 s, 2 s, 4 s ... up to 30 s apart, then the regular schedule takes over. */
class RetryUntilFirstSuccessTest {

    @Test
    void delaysDoubleUpToTheCap() {
        List<Duration> delays = Stream.iterate(CertificateManager.FIRST_RETRY,
                d -> RetryUntilFirstSuccess.next(d, CertificateManager.MAX_RETRY)).limit(8).toList();
        assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void failedAttemptsAreRetriedWithGrowingPausesAndTheScheduleStartsOnceAfterTheFirstSuccess() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            List<Long> attempts = new ArrayList<>();
            AtomicInteger afterwards = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            new RetryUntilFirstSuccess(executor, Duration.ofMillis(20), Duration.ofMillis(80)).start(() -> {
                attempts.add(System.nanoTime());
                return attempts.size() == 5;
            }, () -> {
                afterwards.incrementAndGet();
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            executor.schedule(() -> { }, 100, TimeUnit.MILLISECONDS).get();
            assertThat(attempts).hasSize(5);
            assertThat(afterwards).hasValue(1);
            List<Long> pauses = new ArrayList<>();
            for (int i = 1; i < attempts.size(); i++) {
                pauses.add(TimeUnit.NANOSECONDS.toMillis(attempts.get(i) - attempts.get(i - 1)));
            }
            assertThat(pauses.get(0)).isGreaterThanOrEqualTo(20);
            assertThat(pauses.get(1)).isGreaterThanOrEqualTo(40);
            assertThat(pauses.get(2)).isGreaterThanOrEqualTo(80);
            assertThat(pauses.get(3)).isBetween(80L, 1_000L);
        } finally {
            executor.shutdownNow();
        }
    }
}
