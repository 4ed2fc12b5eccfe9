package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * SELinux: {@code seLinuxOptions.type} only one of the container types, and no custom
 * {@code user} or {@code role}, on the pod and on every container; {@code level} is free.
 */
final class SeLinux implements Control {

    static final Set<String> ALLOWED_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Found found = new Found();
        boolean podLevel = !valid(GuardedPod.object(Describe.podSecurityContext(pod).get("seLinuxOptions"),
                "spec.securityContext.seLinuxOptions"), found);
        List<String> containers = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (!valid(GuardedPod.object(Describe.securityContext(container).get("seLinuxOptions"),
                    Describe.where(container) + ".securityContext.seLinuxOptions"), found)) {
                containers.add(container.name());
            }
        }
        if (!podLevel && containers.isEmpty()) {
            return Optional.empty();
        }
        List<String> data = new ArrayList<>();
        if (!found.types.isEmpty()) {
            data.add((found.types.size() == 1 ? "type " : "types ") + Describe.quoted(found.types));
        }
        if (found.user) {
            data.add("user may not be set");
        }
        if (found.role) {
            data.add("role may not be set");
        }
        return Optional.of(new Violation("seLinuxOptions", Describe.setters(podLevel, containers)
                + " set forbidden securityContext.seLinuxOptions: " + String.join("; ", data)));
    }

    private static final class Found {
        final Set<String> types = new TreeSet<>();
        boolean user;
        boolean role;
    }

    private static boolean valid(ObjectNode options, Found found) {
        boolean valid = true;
        String type = options.path("type").asText("");
        if (!ALLOWED_TYPES.contains(type)) {
            found.types.add(type);
            valid = false;
        }
        if (!options.path("user").asText("").isEmpty()) {
            found.user = true;
            valid = false;
        }
        if (!options.path("role").asText("").isEmpty()) {
            found.role = true;
            valid = false;
        }
        return valid;
    }
}
