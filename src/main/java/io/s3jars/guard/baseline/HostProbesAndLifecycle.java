package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Probe and lifecycle hosts: no probe or lifecycle handler may name a {@code host} for its
 * {@code httpGet} or {@code tcpSocket}: the kubelet would connect there from the node's network
 * on the pod's behalf. Any non-empty host counts, loopback included.
 */
final class HostProbesAndLifecycle implements Control {

    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
    private static final List<String> HOOKS = List.of("postStart", "preStop");
    private static final List<String> ACTIONS = List.of("httpGet", "tcpSocket");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Set<String> containers = new TreeSet<>(); // sorted, unlike the other controls, as Pod Security does here
        Set<String> hosts = new TreeSet<>();
        for (GuardedPod.Container container : pod.containers()) {
            String where = Describe.where(container);
            for (String probe : PROBES) {
                collect(GuardedPod.object(container.json().get(probe), where + "." + probe), where + "." + probe,
                        container.name(), containers, hosts);
            }
            JsonNode lifecycle = GuardedPod.object(container.json().get("lifecycle"), where + ".lifecycle");
            for (String hook : HOOKS) {
                collect(GuardedPod.object(lifecycle.get(hook), where + ".lifecycle." + hook),
                        where + ".lifecycle." + hook, container.name(), containers, hosts);
            }
        }
        if (containers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Violation("probe or lifecycle host", Describe.containers(containers)
                + (containers.size() == 1 ? " uses " : " use ")
                + (hosts.size() == 1 ? "probe or lifecycle host " : "probe or lifecycle hosts ") + Describe.quoted(hosts)));
    }

    private static void collect(JsonNode handler, String where, String container, Set<String> containers,
            Set<String> hosts) {
        for (String action : ACTIONS) {
            String host = GuardedPod.text(GuardedPod.object(handler.get(action), where + "." + action), "host",
                    where + "." + action);
            if (host != null && !host.isEmpty()) {
                containers.add(container);
                hosts.add(host);
            }
        }
    }
}
