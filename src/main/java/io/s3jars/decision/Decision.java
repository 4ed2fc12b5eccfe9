package io.s3jars.decision;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Mode;
import java.util.List;

/**
 * The webhook's answer for one request, whichever check made it: the engine on {@code /mutate},
 * the hostPath guard and the policy check on {@code /validate}. A denial is a value, not an exception.
 */
public sealed interface Decision {

    /** What the check understood of the pod, for logs and metrics; empty lists when it got no further. */
    List<String> buckets();

    /**
     * The pod is allowed with these JSON Patch operations; none when it already has everything
     * (a reinvocation).
     */
    record Patch(ArrayNode operations, ObjectNode mutatedPod, Mode mode, List<String> buckets, List<String> warnings)
            implements Decision {
        public Patch {
            buckets = List.copyOf(buckets);
            warnings = List.copyOf(warnings);
        }

        public boolean changesPod() {
            return !operations.isEmpty();
        }
    }

    /** The request must not go through; {@code reason} tells its author why and what to do. */
    record Deny(DenyCode kind, String reason, List<String> buckets) implements Decision {
        public Deny {
            buckets = List.copyOf(buckets);
        }

        /** The HTTP status of the denial, as the API server reports it. */
        public int code() {
            return kind.status();
        }
    }

    /**
     * Allowed untouched: not s3jars' business (not Spark, not opted in, not reviewed), or nothing
     * to refuse; {@code warnings} go back to the client (the guard's warn mode).
     */
    record Skip(String reason, List<String> warnings) implements Decision {
        public Skip {
            warnings = List.copyOf(warnings);
        }

        public Skip(String reason) {
            this(reason, List.of());
        }

        @Override
        public List<String> buckets() {
            return List.of();
        }
    }
}
