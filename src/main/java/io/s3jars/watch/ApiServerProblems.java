package io.s3jars.watch;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last failure of a call to the API server by an informer or the Lease, for one summary line
 * instead of fabric8's stack trace per retry (whose loggers the application's configuration turns
 * down to ERROR). The process talks to one API server, so one record serves every watcher.
 */
public final class ApiServerProblems {

    /** What failed, why (one line), and when. */
    public record Problem(String cause, Instant at) {
    }

    private static final AtomicReference<Problem> LATEST = new AtomicReference<>();

    private ApiServerProblems() {
    }

    public static void record(Throwable failure) {
        LATEST.set(new Problem(describe(failure), Instant.now()));
    }

    public static Optional<Problem> latest() {
        return Optional.ofNullable(LATEST.get());
    }

    /** The innermost cause, by its class and first line: {@code UnknownHostException: kubernetes.default.svc}. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }
}
