package io.s3jars.guard.baseline;

import io.s3jars.policy.AllowedHostPath;
import java.util.ArrayList;
import java.util.List;

/**
 * Pod Security Standards baseline, every control as Kubernetes' Pod Security admission defines it
 * for v1.37, its newest release; each control is a small pure class beside this one. The fixtures
 * Kubernetes itself generates per control are the oracle ({@code BaselineFixturesTest}).
 */
public final class Baseline {

    private Baseline() {
    }

    /**
     * The controls in Pod Security's order (its check IDs sorted), so messages list violations as
     * it does; the policy's allowed host paths are the one widening, of hostPath volumes.
     */
    static List<Control> controls(List<AllowedHostPath> allowedHostPaths) {
        return List.of(
                new AppArmor(),                         // appArmorProfile
                new Capabilities(),                     // capabilities_baseline
                new HostNamespaces(),                   // hostNamespaces
                new HostPathVolumes(allowedHostPaths),  // hostPathVolumes
                new HostPorts(),                        // hostPorts
                new HostProbesAndLifecycle(),           // hostProbesAndHostLifecycle
                new Privileged(),                       // privileged
                new ProcMount(),                        // procMount
                new SeLinux(),                          // seLinuxOptions
                new Seccomp(),                          // seccompProfile_baseline
                new Sysctls(),                          // sysctls
                new HostProcess());                     // windowsHostProcess
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
