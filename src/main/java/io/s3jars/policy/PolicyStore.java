package io.s3jars.policy;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the policy in force. A valid document replaces it whole, in one atomic swap, so a request
 * that read the snapshot once sees one policy; an invalid document changes nothing but is kept as
 * the last rejection, for logs, metrics and readiness.
 *
 * <p>It also remembers every node mount path of every policy loaded since start, plus the default
 * {@code /mnt/s3}: removing a bucket from the policy does not unmount it from the nodes, so the
 * hostPath guard keeps protecting its path. That set only grows until restart.
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
    private final AtomicReference<SortedSet<String>> nodeMountPathsSinceStart = new AtomicReference<>(
            Collections.unmodifiableSortedSet(new TreeSet<>(List.of(Bucket.DEFAULT_NODE_MOUNT_PATH))));

    /** Parses {@code yaml}; installs it when valid, otherwise keeps the policy in force. */
    public PolicyResult offer(String yaml, String origin) {
        PolicyResult result = PolicyParser.parse(yaml);
        if (result instanceof PolicyResult.Valid valid) {
            // Before the swap: whoever sees the new policy also sees its paths here.
            nodeMountPathsSinceStart.updateAndGet(seen -> {
                TreeSet<String> grown = new TreeSet<>(seen);
                grown.addAll(valid.policy().nodeMountPaths());
                return Collections.unmodifiableSortedSet(grown);
            });
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

    /**
     * The default node mount path and every node mount path of every policy loaded since start,
     * including the one in force. Read it after {@link #snapshot()}: it then holds every path of
     * that snapshot.
     */
    public SortedSet<String> nodeMountPathsSinceStart() {
        return nodeMountPathsSinceStart.get();
    }

    public long rejectionCount() {
        return rejections.get();
    }
}
