package io.s3jars.admission;

import io.s3jars.admission.Refusals.Refusal;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reviews over {@link #INLINE_BYTES}. Real pods' reviews are a few KiB and are answered on the
 * event loop. A larger one can only be a tenant's outsized pod (up to 3 MiB, milliseconds of work
 * and megabytes of garbage each), so such reviews are rationed: at most {@link #PER_SECOND} a
 * second per replica (bursts of {@link #BURST}), refused with 503 before their body is read when
 * over (the API server then applies the webhook's failurePolicy to that pod alone), and answered on
 * one thread of their own with a short queue, never on the event loop. Measured in
 * docs/performance.md ("The most expensive reviews").
 */
final class LargeReviews {

    static final int PER_SECOND = 1;
    static final int BURST = 2;
    private static double tokens = BURST;
    private static long refilledAt = System.nanoTime();

    /** 64 KiB: ten times the largest real Spark pod review the project has seen. */
    static final int INLINE_BYTES = 64 * 1024;
    static final int QUEUE = 8;

    private static final ExecutorService THREAD = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), task -> {
                Thread thread = new Thread(task, "s3jars-large-reviews");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());

    private LargeReviews() {
    }

    /**
     * Whether a review of {@code contentLength} bytes ({@code -1}: not announced, so possibly large)
     * may be read now. Called on the event loops, before the body is read.
     */
    static synchronized boolean admit(long contentLength) {
        if (contentLength >= 0 && contentLength <= INLINE_BYTES) {
            return true;
        }
        long now = System.nanoTime();
        tokens = Math.min(BURST, tokens + (now - refilledAt) * PER_SECOND / 1e9);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** The answer for a body of {@code size} bytes: computed now when small, on the large-review thread when not. */
    static Uni<byte[]> answer(int size, Supplier<byte[]> answer) {
        if (size <= INLINE_BYTES) {
            return Uni.createFrom().item(answer.get());
        }
        return Uni.createFrom().emitter(emitter -> {
            try {
                THREAD.execute(() -> {
                    try {
                        emitter.complete(answer.get());
                    } catch (RuntimeException e) {
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
