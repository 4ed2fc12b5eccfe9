package io.s3jars.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the policy in force. A valid document replaces it whole, in one atomic swap, so a request
 * that read the snapshot once sees one policy; an invalid document changes nothing but is kept as
 * the last rejection, for logs, metrics and readiness.
 */
public final class PolicyStore {

    /** The policy in force, where it came from and when. */
    public record Loaded(PolicySnapshot policy, long generation, String origin, Instant loadedAt) {
    }

    /** A document that was refused, with every problem found in it. */
    public record Rejected(List<String> errors, String origin, Instant rejectedAt) {
        public String summary() {
            return String.join("; ", errors);
        }
    }

    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final AtomicReference<Rejected> lastRejection = new AtomicReference<>();
    private final AtomicLong generations = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();

    /** Parses {@code yaml}; installs it when valid, otherwise keeps the policy in force. */
    public PolicyResult offer(String yaml, String origin) {
        PolicyResult result = PolicyParser.parse(yaml);
        if (result instanceof PolicyResult.Valid valid) {
            current.set(new Loaded(valid.policy(), generations.incrementAndGet(), origin, Instant.now()));
            lastRejection.set(null);
        } else {
            reject(((PolicyResult.Invalid) result).errors(), origin);
        }
        return result;
    }

    /** Records a problem that is not in a document, such as the ConfigMap being deleted. */
    public void reject(List<String> errors, String origin) {
        rejections.incrementAndGet();
        lastRejection.set(new Rejected(errors, origin, Instant.now()));
    }

    public Optional<PolicySnapshot> snapshot() {
        Loaded loaded = current.get();
        return loaded == null ? Optional.empty() : Optional.of(loaded.policy());
    }

    public Optional<Loaded> loaded() {
        return Optional.ofNullable(current.get());
    }

    /** The most recent rejection, cleared by the next good document. */
    public Optional<Rejected> lastRejection() {
        return Optional.ofNullable(lastRejection.get());
    }

    public long rejectionCount() {
        return rejections.get();
    }
}
