package io.s3jars.mutation;

import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import java.util.List;

/** The result of one decision phase: a value to go on with, or the denial that ends the decision. */
record Checked<T>(T value, Decision.Deny denial) {

    static <T> Checked<T> ok(T value) {
        return new Checked<>(value, null);
    }

    static <T> Checked<T> denied(DenyCode code, String reason, List<String> buckets) {
        return new Checked<>(null, new Decision.Deny(code, reason, buckets));
    }

    boolean isDenied() {
        return denial != null;
    }

    /** The same denial, for a phase that returns another type. */
    <U> Checked<U> asDenied() {
        return new Checked<>(null, denial);
    }
}
