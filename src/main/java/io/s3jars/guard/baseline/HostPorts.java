package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Host ports: no container port may set a non-zero {@code hostPort}. */
final class HostPorts implements Control {

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        List<String> containers = new ArrayList<>();
        Set<String> ports = new TreeSet<>(); // sorted as text, as Pod Security does
        for (GuardedPod.Container container : pod.containers()) {
            boolean found = false;
            for (JsonNode port : GuardedPod.array(container.json().get("ports"), Describe.where(container) + ".ports")) {
                JsonNode hostPort = port.get("hostPort");
                if (hostPort != null && !hostPort.isNull() && !(hostPort.isIntegralNumber() && hostPort.asLong() == 0)) {
                    ports.add(String.valueOf(hostPort.asLong()));
                    found = true;
                }
            }
            if (found) {
                containers.add(container.name());
            }
        }
        if (containers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Violation("hostPort", Describe.containers(containers)
                + (containers.size() == 1 ? " uses " : " use ") + (ports.size() == 1 ? "hostPort " : "hostPorts ")
                + String.join(", ", ports)));
    }
}
