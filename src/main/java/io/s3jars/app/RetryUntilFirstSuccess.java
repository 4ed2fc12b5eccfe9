package io.s3jars.app;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a check until it first succeeds, waiting {@code first}, then twice as long each time up to
 * {@code max}, and then hands over to the regular schedule. A replica whose first check fails
 * (an API server blip, RBAC not there yet, write conflicts) becomes ready seconds after the cause
 * goes away rather than a whole check interval later.
 */
final class RetryUntilFirstSuccess {

    private final ScheduledExecutorService executor;
    private final Duration first;
    private final Duration max;

    RetryUntilFirstSuccess(ScheduledExecutorService executor, Duration first, Duration max) {
        this.executor = executor;
        this.first = first;
        this.max = max;
    }

    /** Runs {@code attempt} now and again after each failure; runs {@code afterwards} once, after the first success. */
    void start(BooleanSupplier attempt, Runnable afterwards) {
        executor.execute(() -> run(attempt, afterwards, first));
    }

    static Duration next(Duration delay, Duration max) {
        Duration doubled = delay.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }

    private void run(BooleanSupplier attempt, Runnable afterwards, Duration delay) {
        if (attempt.getAsBoolean()) {
            afterwards.run();
            return;
        }
        try {
            executor.schedule(() -> run(attempt, afterwards, next(delay, max)), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // Stopping: nothing left to retry for.
        }
    }
}
