package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Seccomp: neither the pod nor a container may set {@code seccompProfile.type} to {@code Unconfined}. */
final class Seccomp implements Control {

    private static final String UNCONFINED = "Unconfined";

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        boolean podLevel = unconfined(GuardedPod.object(Describe.podSecurityContext(pod).get("seccompProfile"),
                "spec.securityContext.seccompProfile").get("type"));
        List<String> containers = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (unconfined(GuardedPod.object(Describe.securityContext(container).get("seccompProfile"),
                    Describe.where(container) + ".securityContext.seccompProfile").get("type"))) {
                containers.add(container.name());
            }
        }
        if (!podLevel && containers.isEmpty()) {
            return Optional.empty();
        }
        String who = podLevel ? (containers.isEmpty() ? "pod" : "pod and " + Describe.containers(containers))
                : Describe.containers(containers);
        return Optional.of(new Violation("seccompProfile", who + " must not set securityContext.seccompProfile.type to \""
                + UNCONFINED + "\""));
    }

    private static boolean unconfined(JsonNode type) {
        return type != null && UNCONFINED.equals(type.asText());
    }
}
