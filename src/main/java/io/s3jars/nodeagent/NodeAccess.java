package io.s3jars.nodeagent;

import java.util.Map;
import java.util.Optional;

/** The agent's own node: read from a local cache, written with a merge patch. */
interface NodeAccess extends AutoCloseable {

    /** The node's labels and annotations, as last seen. */
    record NodeState(Map<String, String> labels, Map<String, String> annotations) {
        public NodeState {
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
        }
    }

    /** Empty until the node has been read once. */
    Optional<NodeState> current();

    /** What keeps the node from being read, when that is known: said by readiness until it is read. */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Applies a JSON merge patch to the node; throws when the API server refuses or cannot be reached. */
    void patch(Map<String, Object> mergePatch);

    @Override
    void close();
}
