package io.s3jars.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts schedulable nodes per mount-ready label set, grouped by their blocking taints, so that
 * "is there a node this pod could use?" costs one lookup and a pass over the few distinct taint
 * sets, whatever the number of nodes.
 *
 * <p>A label set is tracked from its first query on (one scan) and kept up to date by every node
 * event after that. Writers (the informer thread) are serialised; readers (requests) never lock.
 * Each label set's counts are an immutable map replaced whole, so a reader sees a node before or
 * after an update, never removed and not yet re-added (which would briefly read as zero nodes and
 * flip {@code auto} to sidecar).
 *
 * <p>fabric8's own informer indexes ({@code addIndexers}/{@code byIndex}) were not used: they
 * return the matching objects, a copy that grows with the cluster, where this answers a count.
 */
public final class MountReadyIndex {

    /** Beyond this many label sets, further ones are answered by a scan instead of tracked. */
    private static final int MAX_TRACKED_LABEL_SETS = 1024;

    private final Map<String, NodeSummary> nodes = new ConcurrentHashMap<>();
    private final Map<Map<String, String>, Map<Set<Taint>, Integer>> tracked = new ConcurrentHashMap<>();
    /** How many nodes record each mount path; {@link #mountPaths} is its key set, rebuilt on change. */
    private final Map<String, Integer> mountPathNodes = new HashMap<>();
    private volatile Set<String> mountPaths = Set.of();

    public static MountReadyIndex of(List<NodeSummary> nodes) {
        MountReadyIndex index = new MountReadyIndex();
        nodes.forEach(index::upsert);
        return index;
    }

    public synchronized void upsert(NodeSummary node) {
        NodeSummary old = nodes.put(node.name(), node);
        if (!node.equals(old)) {
            tracked.replaceAll((labels, groups) -> recount(groups, labels, old, node));
            recountMountPaths(old, node);
        }
    }

    public synchronized void remove(String name) {
        NodeSummary old = nodes.remove(name);
        if (old != null) {
            tracked.replaceAll((labels, groups) -> recount(groups, labels, old, null));
            recountMountPaths(old, null);
        }
    }

    /** See {@link ClusterView#nodeMountPaths}. */
    public Set<String> mountPaths() {
        return mountPaths;
    }

    private void recountMountPaths(NodeSummary before, NodeSummary after) {
        Set<String> was = before == null ? Set.of() : before.mountPaths();
        Set<String> is = after == null ? Set.of() : after.mountPaths();
        if (was.equals(is)) {
            return;
        }
        was.forEach(path -> mountPathNodes.merge(path, -1, (a, b) -> a + b == 0 ? null : a + b));
        is.forEach(path -> mountPathNodes.merge(path, 1, Integer::sum));
        mountPaths = Set.copyOf(mountPathNodes.keySet());
    }

    /** See {@link ClusterView#mountReadyNodes}. */
    public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
        Map<Set<Taint>, Integer> groups = tracked.get(labels);
        if (groups == null) {
            groups = track(labels);
        }
        if (groups == null) {
            return (int) nodes.values().stream().filter(n -> n.mountReadyFor(labels, tolerations)).count();
        }
        int ready = 0;
        for (Map.Entry<Set<Taint>, Integer> group : groups.entrySet()) {
            if (NodeSummary.allTolerated(group.getKey(), tolerations)) {
                ready += group.getValue();
            }
        }
        return ready;
    }

    public int size() {
        return nodes.size();
    }

    private synchronized Map<Set<Taint>, Integer> track(Map<String, String> labels) {
        Map<Set<Taint>, Integer> existing = tracked.get(labels);
        if (existing != null || tracked.size() >= MAX_TRACKED_LABEL_SETS) {
            return existing;
        }
        Map<Set<Taint>, Integer> groups = new HashMap<>();
        nodes.values().forEach(n -> count(groups, n, labels, +1));
        Map<Set<Taint>, Integer> frozen = Map.copyOf(groups);
        tracked.put(Map.copyOf(labels), frozen);
        return frozen;
    }

    /** A new count map with {@code before} taken out and {@code after} put in (either may be null). */
    private static Map<Set<Taint>, Integer> recount(Map<Set<Taint>, Integer> groups, Map<String, String> labels,
            NodeSummary before, NodeSummary after) {
        Map<Set<Taint>, Integer> next = new HashMap<>(groups);
        if (before != null) {
            count(next, before, labels, -1);
        }
        if (after != null) {
            count(next, after, labels, +1);
        }
        return Map.copyOf(next);
    }

    private static void count(Map<Set<Taint>, Integer> groups, NodeSummary node, Map<String, String> labels, int delta) {
        if (node.schedulable() && node.carries(labels)) {
            groups.merge(Set.copyOf(node.blockingTaints()), delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }
}
