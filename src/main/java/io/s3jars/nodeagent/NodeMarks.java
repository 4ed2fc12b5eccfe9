package io.s3jars.nodeagent;

import io.s3jars.cluster.NodeMountPathAnnotation;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the agent writes on its node, computed from what the node carries now: the mount-ready
 * labels of the live mounts and no others it owns, the annotation naming the label keys it owns
 * (so a restarted agent removes labels of a bucket the policy has since dropped), and the
 * annotation recording the mount paths present ({@link NodeMountPathAnnotation}). Pure: the
 * result is a JSON merge patch, empty when the node already says the truth.
 */
final class NodeMarks {

    /** Label keys the agent set, comma-separated. */
    static final String OWNED_LABELS = "s3jars.io/node-agent-labels";

    private NodeMarks() {
    }

    /**
     * @param labels      the node's labels as last seen (possibly a little stale)
     * @param annotations the node's annotations as last seen
     * @param managed     every mount the agent manages or is taking down
     * @param live        the mounts to mark ready: live, and wanted on this node
     * @param leaving     the mounts about to be taken down: their labels are removed in the patch
     *                    even when the node as last seen no longer carries them, so that a stale
     *                    view can never let a mount go down while the node still says it is ready
     * @param present     the mount paths present on the node, live or not
     * @return a merge patch of {@code metadata}, or an empty map when nothing changes
     */
    static Map<String, Object> patch(Map<String, String> labels, Map<String, String> annotations,
            Collection<NodeMount> managed, Collection<NodeMount> live, Collection<NodeMount> leaving,
            Set<String> present) {
        Map<String, String> ready = new TreeMap<>();
        live.forEach(mount -> ready.putAll(mount.readyLabels()));
        Set<String> owned = new TreeSet<>(ownedLabels(annotations));
        managed.forEach(mount -> owned.addAll(mount.readyLabels().keySet()));

        Map<String, Object> labelChanges = new LinkedHashMap<>();
        ready.forEach((key, value) -> {
            if (!value.equals(labels.get(key))) {
                labelChanges.put(key, value);
            }
        });
        owned.stream().filter(key -> !ready.containsKey(key) && labels.containsKey(key))
                .forEach(key -> labelChanges.put(key, null));
        leaving.forEach(mount -> mount.readyLabels().keySet().stream().filter(key -> !ready.containsKey(key))
                .forEach(key -> labelChanges.put(key, null)));

        Map<String, Object> annotationChanges = new LinkedHashMap<>();
        put(annotationChanges, annotations, OWNED_LABELS, ready.isEmpty() ? null : String.join(",", ready.keySet()));
        put(annotationChanges, annotations, NodeMountPathAnnotation.KEY,
                present.isEmpty() ? null : NodeMountPathAnnotation.format(present));
        if (present.size() > NodeMountPathAnnotation.MAX_PATHS) {
            throw new IllegalStateException(present.size() + " mount paths on one node: the guard reads at most "
                    + NodeMountPathAnnotation.MAX_PATHS + " from a node; give this node fewer buckets (node.selector)");
        }

        Map<String, Object> metadata = new LinkedHashMap<>();
        if (!labelChanges.isEmpty()) {
            metadata.put("labels", labelChanges);
        }
        if (!annotationChanges.isEmpty()) {
            metadata.put("annotations", annotationChanges);
        }
        return metadata.isEmpty() ? Map.of() : Map.of("metadata", metadata);
    }

    static Set<String> ownedLabels(Map<String, String> annotations) {
        String value = annotations.get(OWNED_LABELS);
        return value == null ? Set.of() : Arrays.stream(value.split(",")).map(String::strip)
                .filter(key -> !key.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void put(Map<String, Object> changes, Map<String, String> current, String key, String wanted) {
        if (!Objects.equals(current.get(key), wanted)) {
            changes.put(key, wanted);
        }
    }
}
