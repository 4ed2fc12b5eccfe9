package io.s3jars.nodeagent;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A node in memory that applies merge patches of its metadata as the API server does. */
final class FakeNode implements NodeAccess {

    final Map<String, String> labels = new HashMap<>();
    final Map<String, String> annotations = new HashMap<>();
    final AtomicInteger patches = new AtomicInteger();
    volatile boolean refusing;
    /** Set: the node cannot be read, and this says why. */
    volatile String unreadBecause;

    @Override
    public synchronized Optional<NodeState> current() {
        return unreadBecause != null ? Optional.empty() : Optional.of(new NodeState(labels, annotations));
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(unreadBecause);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void patch(Map<String, Object> mergePatch) {
        if (refusing) {
            throw new IllegalStateException("the API server is unreachable");
        }
        patches.incrementAndGet();
        Map<String, Object> metadata = (Map<String, Object>) mergePatch.get("metadata");
        apply(labels, (Map<String, Object>) metadata.getOrDefault("labels", Map.of()));
        apply(annotations, (Map<String, Object>) metadata.getOrDefault("annotations", Map.of()));
    }

    private static void apply(Map<String, String> target, Map<String, Object> changes) {
        changes.forEach((key, value) -> {
            if (value == null) {
                target.remove(key);
            } else {
                target.put(key, (String) value);
            }
        });
    }

    synchronized Map<String, String> labels() {
        return new HashMap<>(labels);
    }

    synchronized Map<String, String> annotations() {
        return new HashMap<>(annotations);
    }

    @Override
    public void close() {
    }
}
