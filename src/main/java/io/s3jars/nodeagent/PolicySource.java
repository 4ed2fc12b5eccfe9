package io.s3jars.nodeagent;

import io.s3jars.policy.PolicySnapshot;
import java.util.Optional;

/** Where the agent reads the policy: the webhook's ConfigMap, or a file. */
interface PolicySource extends AutoCloseable {

    /** The last valid policy; empty until one has been read. */
    Optional<PolicySnapshot> current();

    /** What keeps a valid policy from being read, when that is known: said by readiness until one is. */
    default Optional<String> problem() {
        return Optional.empty();
    }

    @Override
    void close();
}
