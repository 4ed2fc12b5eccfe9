package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SELinux: {@code seLinuxOptions.type} only one of the container types, and no custom
 * {@code user} or {@code role}, on the pod and on every container.
 */
final class SeLinux implements Control {

    static final Set<String> ALLOWED_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Set<String> forbidden = new LinkedHashSet<>();
        boolean podLevel = forbidden(GuardedPod.object(Describe.podSecurityContext(pod).get("seLinuxOptions"),
                "spec.securityContext.seLinuxOptions"), forbidden);
        List<String> containers = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (forbidden(GuardedPod.object(Describe.securityContext(container).get("seLinuxOptions"),
                    Describe.where(container) + ".securityContext.seLinuxOptions"), forbidden)) {
                containers.add(container.name());
            }
        }
        if (!podLevel && containers.isEmpty()) {
            return Optional.empty();
        }
        String who = podLevel ? (containers.isEmpty() ? "pod" : "pod and " + Describe.containers(containers))
                : Describe.containers(containers);
        return Optional.of(new Violation("seLinuxOptions", who + " set forbidden securityContext.seLinuxOptions: "
                + String.join("; ", forbidden)));
    }

    private static boolean forbidden(ObjectNode options, Set<String> found) {
        boolean any = false;
        JsonNode type = options.get("type");
        if (type != null && !type.isNull() && !ALLOWED_TYPES.contains(type.asText())) {
            found.add("type " + Violation.quoted(type.asText()));
            any = true;
        }
        for (String field : List.of("user", "role")) {
            JsonNode value = options.get(field);
            if (value != null && !value.isNull() && !value.asText().isEmpty()) {
                found.add(field + " " + Violation.quoted(value.asText()));
                any = true;
            }
        }
        return any;
    }
}
