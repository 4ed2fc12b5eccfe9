package io.s3jars.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** A stuck event loop turns liveness DOWN, and it comes back UP once the loop answers again. */
class EventLoopLivenessTest {

    @Test
    void aBlockedEventLoopIsNotLive() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setBlockedThreadCheckInterval(60_000));
        EventLoopLiveness liveness = new EventLoopLiveness(Duration.ofMillis(1500));
        try {
            liveness.watch(vertx);
            await().atMost(Duration.ofSeconds(5)).until(() -> liveness.call().getStatus() == HealthCheckResponse.Status.UP);
            CountDownLatch release = new CountDownLatch(1);
            vertx.nettyEventLoopGroup().next().execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> liveness.call().getStatus() == HealthCheckResponse.Status.DOWN);
            assertThat(liveness.call().getData().orElseThrow().get("longestSilenceMillis")).isNotNull();
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> liveness.call().getStatus() == HealthCheckResponse.Status.UP);
        } finally {
            liveness.onStop(null);
            vertx.close();
        }
    }
}
