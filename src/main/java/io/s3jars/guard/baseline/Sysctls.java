package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Sysctls: the pod may set only the namespaced, safe ones Pod Security's newest baseline lists. */
final class Sysctls implements Control {

    static final Set<String> ALLOWED = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
            "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        List<String> forbidden = new ArrayList<>(); // in the pod's order, repeats kept, as Pod Security lists them
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
