package io.s3jars.cluster;

/** A pod toleration, matched against taints with the scheduler's rules. */
public record Toleration(String key, String operator, String value, String effect) {

    public boolean tolerates(Taint taint) {
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        if ("Exists".equals(operator)) {
            return key == null || key.isEmpty() || key.equals(taint.key());
        }
        return key != null && key.equals(taint.key()) && nullToEmpty(value).equals(nullToEmpty(taint.value()));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
