package io.s3jars.guard.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Host namespaces: {@code hostNetwork}, {@code hostPID} and {@code hostIPC} must not be true. */
final class HostNamespaces implements Control {

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        List<String> set = new ArrayList<>();
        for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (Describe.isTrue(pod.spec().get(field))) {
                set.add(field + "=true");
            }
        }
        return set.isEmpty() ? Optional.empty() : Optional.of(new Violation("host namespaces", String.join(", ", set)));
    }
}
