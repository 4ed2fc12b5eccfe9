package io.s3jars.guard.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Windows HostProcess: no pod or container may set {@code securityContext.windowsOptions.hostProcess=true}. */
final class HostProcess implements Control {

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        boolean podLevel = Describe.isTrue(GuardedPod.object(Describe.podSecurityContext(pod).get("windowsOptions"),
                "spec.securityContext.windowsOptions").get("hostProcess"));
        List<String> containers = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (Describe.isTrue(GuardedPod.object(Describe.securityContext(container).get("windowsOptions"),
                    Describe.where(container) + ".securityContext.windowsOptions").get("hostProcess"))) {
                containers.add(container.name());
            }
        }
        if (!podLevel && containers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Violation("hostProcess", Describe.setters(podLevel, containers)
                + " must not set securityContext.windowsOptions.hostProcess=true"));
    }
}
