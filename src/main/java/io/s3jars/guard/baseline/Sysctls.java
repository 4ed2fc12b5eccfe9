package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Sysctls: the pod may set only the namespaced, safe ones Pod Security's newest baseline lists. */
final class Sysctls implements Control {

    static final Set<String> ALLOWED = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Set<String> forbidden = new LinkedHashSet<>();
        for (JsonNode sysctl : GuardedPod.array(Describe.podSecurityContext(pod).get("sysctls"),
                "spec.securityContext.sysctls")) {
            String name = sysctl.path("name").asText("");
            if (!ALLOWED.contains(name)) {
                forbidden.add(name);
            }
        }
        return forbidden.isEmpty() ? Optional.empty()
                : Optional.of(new Violation("forbidden sysctls", String.join(", ", forbidden)));
    }
}
