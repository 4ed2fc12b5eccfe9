package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bucket names a tenant invents never reach the metrics: the real buckets keep their series. */
class AdmissionMetricsTest {

    @Test
    void inventedBucketNamesAreCountedAsOther() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PolicyStore store = new PolicyStore();
        store.offer(Fixtures.resource("/policy/test-policy.yaml"), "test");
        AdmissionMetrics metrics = new AdmissionMetrics(registry, store);
        Random random = new Random(7);
        for (int i = 0; i < 600; i++) {
            List<String> invented = random.ints(16, 0, 1_000_000).mapToObj(n -> "b" + n).toList();
            metrics.record("/mutate", new Decision.Deny(DenyCode.FORBIDDEN, "no", invented), 1_000);
        }
        metrics.record("/mutate", new Decision.Deny(DenyCode.FORBIDDEN, "no", List.of("team-b-jars")), 1_000);
        Set<String> buckets = registry.find("s3jars.admissions").counters().stream()
                .map(c -> c.getId().getTag("bucket")).collect(Collectors.toSet());
        assertThat(buckets).containsExactlyInAnyOrder("other", "team-b-jars");
        Counter other = registry.find("s3jars.admissions").tag("bucket", "other").counter();
        assertThat(other.count()).isEqualTo(600);
    }
}
