package io.s3jars.guard.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Privileged containers: {@code securityContext.privileged} must not be true in any container. */
final class Privileged implements Control {

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        List<String> privileged = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (Describe.isTrue(Describe.securityContext(container).get("privileged"))) {
                privileged.add(container.name());
            }
        }
        return privileged.isEmpty() ? Optional.empty() : Optional.of(new Violation("privileged",
                Describe.containers(privileged) + " must not set securityContext.privileged=true"));
    }
}
