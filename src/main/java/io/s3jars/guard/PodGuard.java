package io.s3jars.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.decision.Bounded;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.guard.baseline.Baseline;
import io.s3jars.guard.baseline.GuardedPod;
import io.s3jars.guard.baseline.Violation;
import io.s3jars.mutation.MalformedPod;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validating guard for pods: one evaluator over a list of controls. First the carve-out takes
 * out exactly what s3jars injected (and reports impostors); then the node mount path control runs
 * in every namespace, and in s3jars namespaces every Pod Security baseline control. Which
 * violations deny and which only warn depends on the namespace's {@link GuardMode}.
 */
public final class PodGuard {

    /** A denial lists this many violations, then how many more: the message stays readable and bounded. */
    static final int MAX_LISTED = 10;

    private final MutationEngine engine;
    private final boolean baseline;

    public PodGuard(MutationEngine engine) {
        this(engine, true);
    }

    /** @param baseline false to judge s3jars namespaces by the carve-out and the node mount paths only */
    public PodGuard(MutationEngine engine, boolean baseline) {
        this.engine = engine;
        this.baseline = baseline;
    }

    /** The decision on a pod CREATE, or on the pod of a {@code pods/ephemeralcontainers} UPDATE. */
    public Decision check(ObjectNode pod, String namespace, PolicyStore.InForce inForce, ClusterView cluster) {
        GuardMode labelled = cluster.guardMode(namespace);
        GuardMode mode = baseline || labelled == GuardMode.PATHS_ONLY || labelled == GuardMode.EXEMPT ? labelled
                : GuardMode.EXEMPT;
        Optional<PolicySnapshot> policy = inForce.policy();
        try {
            Optional<Decision.Deny> tooBig = engine.limits().check(pod);
            if (tooBig.isPresent()) {
                return tooBig.get();
            }
            CarveOut carveOut = switch (mode) {
                case PATHS_ONLY -> CarveOut.NONE;
                case ENFORCE, WARN, EXEMPT -> CarveOut.of(pod, namespace, policy, cluster, engine);
            };
            GuardedPod guarded = GuardedPod.of(pod, carveOut.volumes(), carveOut.containers());
            List<Violation> denied = new ArrayList<>(HostPathGuard.check(guarded, protectedPaths(inForce, cluster),
                    policy, labelled == GuardMode.EXEMPT));
            List<Violation> baselineViolations = switch (mode) {
                case PATHS_ONLY, EXEMPT -> List.of();
                case ENFORCE, WARN -> {
                    List<Violation> found = new ArrayList<>(carveOut.violations());
                    found.addAll(Baseline.check(guarded, policy.map(PolicySnapshot::allowedHostPaths).orElse(List.of())));
                    yield found;
                }
            };
            List<String> warnings = List.of();
            switch (mode) {
                case ENFORCE -> denied.addAll(baselineViolations);
                case WARN -> warnings = baselineViolations.stream().map(v -> "pod " + Bounded.text(guarded.name())
                        + " would violate the s3jars guard (Pod Security baseline): " + v).toList();
                case PATHS_ONLY, EXEMPT -> {
                }
            }
            if (!denied.isEmpty()) {
                return new Decision.Deny(DenyCode.FORBIDDEN, message(guarded.name(), namespace, mode, denied), List.of());
            }
            return new Decision.Skip(warnings.isEmpty() ? "no violation" : "violations only warned", warnings);
        } catch (MalformedPod e) {
            return new Decision.Deny(DenyCode.INVALID, "s3jars cannot read the pod: " + e.getMessage(), List.of());
        }
    }

    private static String message(String pod, String namespace, GuardMode mode, List<Violation> violations) {
        String listed = violations.stream().limit(MAX_LISTED).map(Violation::toString).collect(Collectors.joining(", "));
        String more = violations.size() > MAX_LISTED ? ", and " + (violations.size() - MAX_LISTED) + " more" : "";
        String what = mode == GuardMode.ENFORCE ? "the s3jars guard (Pod Security baseline with the s3jars carve-out)"
                : "the s3jars node mount path guard";
        return "pod " + Bounded.text(pod) + " in namespace " + Bounded.text(namespace) + " violates " + what + ": "
                + listed + more;
    }

    /**
     * The node mount paths the guard protects: every path of every policy this replica and the
     * durable record know, and every path a node's agent records as present on its node.
     */
    static Set<String> protectedPaths(PolicyStore.InForce inForce, ClusterView cluster) {
        Set<String> known = inForce.nodeMountPathsSinceStart();
        Set<String> onNodes = cluster.nodeMountPaths();
        if (known.containsAll(onNodes)) {
            return known;
        }
        Set<String> all = new TreeSet<>(known);
        all.addAll(onNodes);
        return all;
    }
}
