package io.s3jars.guard.baseline;

import io.s3jars.decision.Bounded;

/**
 * One control a pod fails, as Pod Security words it: the control, and a detail that names the
 * offending containers, volumes or fields, e.g. {@code privileged (container "x" must not set
 * securityContext.privileged=true)}.
 */
public record Violation(String control, String detail) {

    @Override
    public String toString() {
        return control + " (" + detail + ")";
    }

    /** A name or value from the pod, quoted and bounded for a message. */
    public static String quoted(String value) {
        return "\"" + Bounded.text(value) + "\"";
    }
}
