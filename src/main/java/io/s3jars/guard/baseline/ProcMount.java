package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * /proc mount type: only {@code Default} (or unset), since {@code Unmasked} exposes the host's
 * /proc paths; a pod in its own user namespace ({@code hostUsers: false}) may set any.
 */
final class ProcMount implements Control {

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        if (pod.spec().path("hostUsers").isBoolean() && !pod.spec().get("hostUsers").booleanValue()) {
            return Optional.empty();
        }
        List<String> containers = new ArrayList<>();
        Set<String> values = new TreeSet<>();
        for (GuardedPod.Container container : pod.containers()) {
            JsonNode procMount = Describe.securityContext(container).get("procMount");
            if (procMount != null && !procMount.isNull() && !"Default".equals(procMount.asText())) {
                containers.add(container.name());
                values.add(procMount.asText());
            }
        }
        return containers.isEmpty() ? Optional.empty() : Optional.of(new Violation("procMount",
                Describe.containers(containers) + " must not set securityContext.procMount to " + Describe.quoted(values)));
    }
}
