package io.s3jars.admission;

import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.s3jars.admission.Refusals.Refusal;
import io.s3jars.config.S3JarsConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reviews over {@link #INLINE_BYTES}. Real pods' reviews are a few KiB and are answered on the
 * event loop. A larger one can only be a tenant's outsized pod (up to 3 MiB, milliseconds of work
 * and megabytes of garbage each), so such reviews are answered on one thread of their own with a
 * short queue, never on the event loop, and on {@code /mutate} they are rationed (a token bucket of
 * {@code s3jars.limits.large-reviews-per-second}, bursts of twice that), refused with 503 before
 * their body is read when over: the API server then applies the webhook's failurePolicy to that pod
 * alone, and a pod that s3jars does not mutate gets no bucket. {@code /validate} is never rationed:
 * the guard judges every pod.
 * Measured in docs/performance.md ("The hostile mix").
 */
@Singleton
public class LargeReviews {

    /** 64 KiB: ten times the largest real Spark pod review the project has seen. */
    static final int INLINE_BYTES = 64 * 1024;
    static final int QUEUE = 8;

    private final double perSecond;
    private final double burst;
    private final long maxBody;
    private final LongSupplier nanoTime;
    private final ExecutorService thread;
    private double tokens;
    private long refilledAt;

    @Inject
    LargeReviews(S3JarsConfig config, VertxHttpConfig http) {
        this(config.limits().largeReviewsPerSecond(), http.limits().maxBodySize().map(s -> s.asLongValue())
                .orElse(Long.MAX_VALUE), System::nanoTime);
    }

    LargeReviews(double perSecond, long maxBody, LongSupplier nanoTime) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("S3JARS_LIMITS_LARGE_REVIEWS_PER_SECOND must be above 0, not " + perSecond);
        }
        this.perSecond = perSecond;
        this.burst = Math.max(1, 2 * perSecond);
        this.maxBody = maxBody;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.refilledAt = nanoTime.getAsLong();
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), task -> {
            Thread t = new Thread(task, "s3jars-large-reviews");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Whether a review of {@code contentLength} bytes ({@code -1}: not announced, so possibly large)
     * may be read now. Called on the event loops, before the body is read. Bodies over the server's
     * limit pass: the HTTP server refuses them with 413 unread.
     */
    synchronized boolean admit(long contentLength) {
        if (contentLength >= 0 && (contentLength <= INLINE_BYTES || contentLength > maxBody)) {
            return true;
        }
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * perSecond / 1e9);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    String refusal() {
        return "s3jars answers at most " + perSecond + " reviews over " + INLINE_BYTES / 1024
                + " KiB a second; real pods' reviews are far smaller";
    }

    /** The answer for a body of {@code size} bytes: computed now when small, on the large-review thread when not. */
    Uni<byte[]> answer(int size, Supplier<byte[]> answer) {
        if (size <= INLINE_BYTES) {
            return Uni.createFrom().item(answer.get());
        }
        return Uni.createFrom().emitter(emitter -> {
            try {
                thread.execute(() -> {
                    try {
                        emitter.complete(answer.get());
                    } catch (Throwable e) {
                        // An Error too: the caller must get an answer, and this thread must live on.
                        emitter.fail(e);
                    }
                });
            } catch (RejectedExecutionException full) {
                emitter.fail(new Refusal(503, "s3jars is answering " + QUEUE + " reviews over " + INLINE_BYTES / 1024
                        + " KiB already; retry later (real pods' reviews are far smaller)"));
            }
        });
    }
}
