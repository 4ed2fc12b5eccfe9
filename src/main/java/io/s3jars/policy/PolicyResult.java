package io.s3jars.policy;

import java.util.List;

/** What {@link PolicyParser} gives back: a usable policy, or every problem found in the document. */
public sealed interface PolicyResult {

    record Valid(PolicySnapshot policy) implements PolicyResult {
    }

    /** @param errors each names the field path and what is wrong with it */
    record Invalid(List<String> errors) implements PolicyResult {
        public Invalid {
            errors = List.copyOf(errors);
        }

        public String summary() {
            return String.join("; ", errors);
        }
    }
}
