package io.s3jars.guard.baseline;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Host namespaces: {@code hostNetwork}, {@code hostPID} and {@code hostIPC} must not be true. */
final class HostNamespaces implements Control {

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        TreeSet<String> set = new TreeSet<>();
        for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (Describe.isTrue(pod.spec().get(field))) {
                set.add(field);
            }
        }
        return set.isEmpty() ? Optional.empty() : Optional.of(new Violation("host namespaces", String.join(", ", set)));
    }
}
