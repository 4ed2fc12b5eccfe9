package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.testing.Fixtures;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A denial tells "no binding names this namespace" apart from "the bindings are for other service accounts". */
class DenialMessagesTest {

    @Test
    void aNamespaceWithoutBindingsAndOneBoundToOtherServiceAccountsAreToldApart() {
        MutationEngine engine = new MutationEngine();
        Decision unbound = engine.decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "web", Optional.of(Fixtures.testPolicy()),
                ClusterView.EMPTY);
        assertThat(((Decision.Deny) unbound).reason()).contains("none (no binding in the s3jars policy names namespace web)");
        Decision otherAccount = engine.decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-b",
                Optional.of(Fixtures.testPolicy()), ClusterView.EMPTY);
        assertThat(((Decision.Deny) otherAccount).reason())
                .contains("grant buckets only to service account spark-b");
    }
}
