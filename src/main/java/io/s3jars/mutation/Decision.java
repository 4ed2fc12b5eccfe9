package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Mode;
import java.util.List;

/** The engine's answer for one pod. A denial is a value, not an exception. */
public sealed interface Decision {

    /** What the engine understood of the pod, for logs and metrics; empty lists when it got no further. */
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

    /** The pod must not be created; {@code reason} tells its owner why and what to do. */
    record Deny(int code, String reason, List<String> buckets) implements Decision {
        public static final int FORBIDDEN = 403;
        public static final int INVALID = 422;
        public static final int UNAVAILABLE = 503;

        public Deny {
            buckets = List.copyOf(buckets);
        }
    }

    /** Not s3jars' business (not Spark, not opted in): allowed untouched. */
    record Skip(String reason) implements Decision {
        @Override
        public List<String> buckets() {
            return List.of();
        }
    }
}
