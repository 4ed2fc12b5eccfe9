package io.s3jars.guard.baseline;

import io.s3jars.policy.AllowedHostPath;
import java.util.ArrayList;
import java.util.List;

/**
 * Pod Security Standards baseline, every control as Kubernetes' Pod Security admission defines it
 * for its newest release, in its order; each control is a small pure class beside this one. The
 * fixtures Kubernetes itself generates per control are the oracle ({@code BaselineFixturesTest}).
 */
public final class Baseline {

    private Baseline() {
    }

    /** The controls, with the policy's allowed host paths as the one widening of hostPath volumes. */
    static List<Control> controls(List<AllowedHostPath> allowedHostPaths) {
        return List.of(
                new HostProcess(),
                new HostNamespaces(),
                new Privileged(),
                new Capabilities(),
                new HostPathVolumes(allowedHostPaths),
                new HostPorts(),
                new AppArmor(),
                new SeLinux(),
                new ProcMount(),
                new Seccomp(),
                new Sysctls());
    }

    /** Every violation of the pod, in the controls' order; empty when it meets baseline. */
    public static List<Violation> check(GuardedPod pod, List<AllowedHostPath> allowedHostPaths) {
        List<Violation> violations = new ArrayList<>();
        for (Control control : controls(allowedHostPaths)) {
            control.check(pod).ifPresent(violations::add);
        }
        return violations;
    }
}
