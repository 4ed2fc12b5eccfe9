package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.AllowedHostPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * HostPath volumes: baseline forbids them all. The one widening is the policy's
 * {@code guard.allowedHostPaths}: a volume whose path lies under an allowed prefix passes, and
 * under a read-only prefix only if every container mounts it read-only (a writable host path is a
 * place to plant a symbolic link another pod's hostPath would follow).
 */
final class HostPathVolumes implements Control {

    private final List<AllowedHostPath> allowed;

    HostPathVolumes(List<AllowedHostPath> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        List<String> volumes = new ArrayList<>();
        for (ObjectNode volume : pod.volumes()) {
            JsonNode hostPath = volume.get("hostPath");
            if (hostPath == null || hostPath.isNull()) {
                continue;
            }
            String name = volume.path("name").asText();
            String where = "volume " + Violation.quoted(name) + " hostPath";
            String path = GuardedPod.text(GuardedPod.object(hostPath, where), "path", where);
            if (path == null || !allowedHere(pod, name, HostPaths.normalize(path))) {
                volumes.add(name);
            }
        }
        return volumes.isEmpty() ? Optional.empty() : Optional.of(new Violation("hostPath volumes",
                (volumes.size() == 1 ? "volume " : "volumes ") + Describe.quoted(volumes)));
    }

    private boolean allowedHere(GuardedPod pod, String volume, String path) {
        for (AllowedHostPath prefix : allowed) {
            if (prefix.covers(path) && (!prefix.readOnly() || mountedReadOnlyEverywhere(pod, volume))) {
                return true;
            }
        }
        return false;
    }

    private static boolean mountedReadOnlyEverywhere(GuardedPod pod, String volume) {
        for (GuardedPod.Container container : pod.containers()) {
            for (JsonNode mount : GuardedPod.array(container.json().get("volumeMounts"),
                    Describe.where(container) + ".volumeMounts")) {
                if (volume.equals(mount.path("name").asText()) && !Describe.isTrue(mount.get("readOnly"))) {
                    return false;
                }
            }
        }
        return true;
    }
}
