package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Capabilities: a container may add only the runtime's default set, named exactly (no
 * {@code CAP_} prefix, no lower case: the runtime would accept spellings the check must not).
 */
final class Capabilities implements Control {

    static final Set<String> ALLOWED = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        List<String> containers = new ArrayList<>();
        Set<String> forbidden = new TreeSet<>();
        for (GuardedPod.Container container : pod.containers()) {
            JsonNode capabilities = GuardedPod.object(Describe.securityContext(container).get("capabilities"),
                    Describe.where(container) + ".securityContext.capabilities");
            boolean found = false;
            for (JsonNode added : GuardedPod.array(capabilities.get("add"),
                    Describe.where(container) + ".securityContext.capabilities.add")) {
                String name = added.isTextual() ? added.asText() : added.toString();
                if (!ALLOWED.contains(name)) {
                    forbidden.add(name);
                    found = true;
                }
            }
            if (found) {
                containers.add(container.name());
            }
        }
        return containers.isEmpty() ? Optional.empty() : Optional.of(new Violation("non-default capabilities",
                Describe.containers(containers) + " must not include " + Describe.quoted(forbidden)
                        + " in securityContext.capabilities.add"));
    }
}
