package io.s3jars.cluster;

import java.util.Map;

/**
 * How the validating guard treats the pods of a namespace, read from the namespace's labels
 * (which a tenant cannot set). An s3jars namespace ({@code s3jars.io/injection: enabled}) gets
 * Pod Security baseline with the exact carve-out for what s3jars injects; {@code s3jars.io/guard}
 * may relax that for a rollout. Every other namespace gets the node mount path guard, and
 * {@code s3jars.io/guard: exempt} there lets trusted node agents (node-exporter) mount
 * {@code /proc}.
 */
public enum GuardMode {
    /** Not an s3jars namespace: node mount paths and {@code /proc} are protected; Pod Security is the boundary. */
    PATHS_ONLY,
    /** Baseline with the s3jars carve-out; a violation is a denial. */
    ENFORCE,
    /** Baseline with the carve-out; violations are returned as warnings and the pod is allowed. */
    WARN,
    /**
     * Left out by both guard webhooks (their namespace selectors): no baseline check, no host path
     * rule. For namespaces that must run privileged pods, such as the node agent's.
     */
    EXEMPT;

    public static final String INJECTION_LABEL = "s3jars.io/injection";
    public static final String INJECTION_ENABLED = "enabled";
    public static final String GUARD_LABEL = "s3jars.io/guard";

    /** An unknown {@code s3jars.io/guard} value enforces: a typo must not switch the guard off. */
    public static GuardMode of(Map<String, String> labels) {
        if (labels == null) {
            return PATHS_ONLY;
        }
        String guard = labels.get(GUARD_LABEL);
        if (!INJECTION_ENABLED.equals(labels.get(INJECTION_LABEL))) {
            return "exempt".equals(guard) ? EXEMPT : PATHS_ONLY;
        }
        if ("warn".equals(guard)) {
            return WARN;
        }
        if ("exempt".equals(guard)) {
            return EXEMPT;
        }
        return ENFORCE;
    }
}
