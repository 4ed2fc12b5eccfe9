package io.s3jars.guard.baseline;

import java.util.Optional;

/**
 * One Pod Security baseline control, as Kubernetes' Pod Security admission defines it: a pure
 * function of the pod that returns the violation, if any, naming the offending containers,
 * volumes or fields.
 */
interface Control {

    Optional<Violation> check(GuardedPod pod);
}
