package io.s3jars.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicySnapshotTest {

    private static final String POLICY = """
            apiVersion: s3jars.io/v1alpha1
            kind: S3JarsPolicy
            defaults:
              mode: hostpath
              allowModeOverride: false
            buckets:
              - name: spark-jars-bucket
                region: us-west-2
                nodeMountPath: /mnt/s3
            bindings:
              - name: teams
                namespaces: ["spark-team-*"]
                buckets: [spark-jars-bucket]
            """;

    /**
     * Resolved namespaces are remembered for the admission path, and the name comes from the
     * review: a name no namespace can have (not a DNS label) is answered, never kept, so a
     * caller sending megabyte names cannot fill the heap.
     */
    @Test
    void onlyNamesANamespaceCanHaveAreRemembered() {
        PolicyResult parsed = PolicyParser.parse(POLICY);
        assertThat(parsed).as(parsed.toString()).isInstanceOf(PolicyResult.Valid.class);
        PolicySnapshot policy = ((PolicyResult.Valid) parsed).policy();
        String huge = "spark-team-" + "a".repeat(10_000);

        assertThat(policy.allowedBuckets(huge, "spark")).isEqualTo(Set.of("spark-jars-bucket"));
        assertThat(policy.allowedBuckets("spark-team-a", "spark")).isEqualTo(Set.of("spark-jars-bucket"));
        assertThat(policy.allowedBuckets("other", "spark")).isEmpty();

        assertThat(policy.rememberedNamespaces()).isEqualTo(Set.of("spark-team-a", "other"));
    }
}
