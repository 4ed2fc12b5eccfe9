package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Seccomp: a {@code seccompProfile}, on the pod or a container, must be {@code RuntimeDefault} or {@code Localhost}. */
final class Seccomp implements Control {

    private static final Set<String> ALLOWED = Set.of("RuntimeDefault", "Localhost");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Set<String> values = new TreeSet<>();
        boolean podLevel = forbidden(GuardedPod.object(Describe.podSecurityContext(pod).get("seccompProfile"),
                "spec.securityContext.seccompProfile"), values);
        List<String> containers = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (forbidden(GuardedPod.object(Describe.securityContext(container).get("seccompProfile"),
                    Describe.where(container) + ".securityContext.seccompProfile"), values)) {
                containers.add(container.name());
            }
        }
        if (!podLevel && containers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Violation("seccompProfile", Describe.setters(podLevel, containers)
                + " must not set securityContext.seccompProfile.type to " + Describe.quoted(values)));
    }

    /** An absent profile is allowed; a present one needs an allowed type. */
    private static boolean forbidden(JsonNode profile, Set<String> values) {
        if (profile.isEmpty()) {
            return false;
        }
        String type = profile.path("type").asText("");
        if (ALLOWED.contains(type)) {
            return false;
        }
        values.add(type);
        return true;
    }
}
