package io.s3jars.watch;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last failure of a call to the API server by an informer or the Lease, for one summary line
 * instead of fabric8's stack trace per retry (whose loggers the application's configuration turns
 * down to ERROR). The process talks to one API server, so one record serves every watcher.
 */
public final class ApiServerProblems {

    /**
     * Why a call failed (one line), when, and the HTTP status when the API server answered (a 403
     * of missing RBAC), 0 when it was not reached at all.
     */
    public record Problem(String cause, int status, Instant at) {

        public boolean answered() {
            return status > 0;
        }
    }

    private static final AtomicReference<Problem> LATEST = new AtomicReference<>();

    private ApiServerProblems() {
    }

    public static void record(Throwable failure) {
        LATEST.set(new Problem(describe(failure), status(failure), Instant.now()));
    }

    public static Optional<Problem> latest() {
        return Optional.ofNullable(LATEST.get());
    }

    private static int status(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode();
            }
        }
        return 0;
    }

    /** The innermost cause, by its class and first line: {@code UnknownHostException: kubernetes.default.svc}. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + firstLine(root);
    }

    /** The first line of a failure's message: the API server's and fabric8's carry the request and more below it. */
    static String firstLine(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
