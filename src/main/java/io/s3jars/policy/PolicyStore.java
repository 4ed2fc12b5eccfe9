package io.s3jars.policy;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Holds the policy in force. A valid document replaces it whole, in one atomic swap, so a request
 * that read it once sees one policy; an invalid document changes nothing but is kept as the last
 * rejection, for logs, metrics and readiness.
 *
 * <p>It also remembers every node mount path of every policy loaded since start, plus the default
 * {@code /mnt/s3}: removing a bucket from the policy does not unmount it from the nodes, so the
 * hostPath guard keeps protecting its path. That set only grows; in a cluster it also takes in
 * the durable record every replica shares ({@link #remember}), so it survives restarts. The policy and the
 * set live in one {@link InForce} value behind one reference, so a reader gets both from the same
 * moment and can never see a policy without its own paths.
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

    /**
     * What a request reads, once: the policy (absent until one is loaded) and every node mount path
     * since start, which always includes the policy's own.
     */
    public record InForce(Optional<Loaded> loaded, SortedSet<String> nodeMountPathsSinceStart) {

        public Optional<PolicySnapshot> policy() {
            return loaded.map(Loaded::policy);
        }
    }

    private static final InForce NOTHING_LOADED = new InForce(Optional.empty(),
            Collections.unmodifiableSortedSet(new TreeSet<>(List.of(Bucket.DEFAULT_NODE_MOUNT_PATH))));

    private final AtomicReference<InForce> inForce = new AtomicReference<>(NOTHING_LOADED);
    private final AtomicReference<Rejected> lastRejection = new AtomicReference<>();
    private final AtomicLong rejections = new AtomicLong();
    private long generations;
    private final List<Consumer<PolicySnapshot>> installed = new CopyOnWriteArrayList<>();

    /** Called, on the loading thread, with every policy put in force from now on. */
    public void onInstall(Consumer<PolicySnapshot> listener) {
        installed.add(listener);
    }

    /** Parses {@code yaml}; installs it when valid, otherwise keeps the policy in force. */
    public PolicyResult offer(String yaml, String origin) {
        PolicyResult result = PolicyParser.parse(yaml);
        if (result instanceof PolicyResult.Valid valid) {
            install(valid.policy(), origin);
        } else {
            reject(((PolicyResult.Invalid) result).errors(), origin);
        }
        return result;
    }

    /** Writers are rare (a ConfigMap edit, a file change) and serialised; readers never wait. */
    private synchronized void install(PolicySnapshot policy, String origin) {
        InForce previous = inForce.get();
        TreeSet<String> paths = new TreeSet<>(previous.nodeMountPathsSinceStart());
        paths.addAll(policy.nodeMountPaths());
        Loaded loaded = new Loaded(policy, ++generations, origin, Instant.now());
        inForce.set(new InForce(Optional.of(loaded), Collections.unmodifiableSortedSet(paths)));
        lastRejection.set(null);
        installed.forEach(listener -> listener.accept(policy));
    }

    /**
     * Adds node mount paths known from outside this process (the cluster's durable record of every
     * path any replica has seen): they stay protected here too, after a restart and on every replica.
     */
    public synchronized void remember(Collection<String> nodeMountPaths) {
        InForce previous = inForce.get();
        if (previous.nodeMountPathsSinceStart().containsAll(nodeMountPaths)) {
            return;
        }
        TreeSet<String> paths = new TreeSet<>(previous.nodeMountPathsSinceStart());
        paths.addAll(nodeMountPaths);
        inForce.set(new InForce(previous.loaded(), Collections.unmodifiableSortedSet(paths)));
    }

    /** Records a problem that is not in a document, such as the ConfigMap being deleted. */
    public void reject(List<String> errors, String origin) {
        rejections.incrementAndGet();
        lastRejection.set(new Rejected(errors, origin, Instant.now()));
    }

    /** The policy and the node mount paths since start, from one read. */
    public InForce inForce() {
        return inForce.get();
    }

    public Optional<PolicySnapshot> snapshot() {
        return inForce.get().policy();
    }

    public Optional<Loaded> loaded() {
        return inForce.get().loaded();
    }

    /** The most recent rejection, cleared by the next good document. */
    public Optional<Rejected> lastRejection() {
        return Optional.ofNullable(lastRejection.get());
    }

    /**
     * The default node mount path and every node mount path of every policy loaded since start,
     * including the one in force. To pair it with a policy, read both from one {@link #inForce()}.
     */
    public SortedSet<String> nodeMountPathsSinceStart() {
        return inForce.get().nodeMountPathsSinceStart();
    }

    public long rejectionCount() {
        return rejections.get();
    }
}
