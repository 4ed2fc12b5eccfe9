package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.stream.Collectors;

/** Wording and field access the controls share, so their messages read like Pod Security's. */
final class Describe {

    private Describe() {
    }

    /** {@code container "a"} or {@code containers "a", "b"}. */
    static String containers(Collection<String> names) {
        return (names.size() == 1 ? "container " : "containers ") + quoted(names);
    }

    /** {@code pod}, {@code container "a"}, or both joined with {@code and}, as Pod Security names setters. */
    static String setters(boolean pod, Collection<String> containers) {
        if (!pod) {
            return containers(containers);
        }
        return containers.isEmpty() ? "pod" : "pod and " + containers(containers);
    }

    /** {@code "a", "b"}. */
    static String quoted(Collection<String> values) {
        return values.stream().map(Violation::quoted).collect(Collectors.joining(", "));
    }

    /** The container's {@code securityContext}, empty when absent; malformed when not an object. */
    static ObjectNode securityContext(GuardedPod.Container container) {
        return GuardedPod.object(container.json().get("securityContext"), where(container) + ".securityContext");
    }

    /** The pod's {@code spec.securityContext}, empty when absent. */
    static ObjectNode podSecurityContext(GuardedPod pod) {
        return GuardedPod.object(pod.spec().get("securityContext"), "spec.securityContext");
    }

    static String where(GuardedPod.Container container) {
        return "spec." + container.list() + "[" + Violation.quoted(container.name()) + "]";
    }

    /** True only for a JSON boolean true: a string "true" is not a boolean the API server would accept. */
    static boolean isTrue(JsonNode node) {
        return node != null && node.isBoolean() && node.booleanValue();
    }
}
