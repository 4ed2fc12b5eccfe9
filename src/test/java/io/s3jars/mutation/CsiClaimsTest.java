package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A csi-mode pod whose claim is known to be missing is refused with what to do, unless s3jars keeps
 * that claim and is about to create it; a view that does not watch claims refuses nothing.
 */
class CsiClaimsTest {

    private static final String POLICY = """
            apiVersion: s3jars.io/v1alpha1
            kind: S3JarsPolicy
            defaults: {mode: %s, allowModeOverride: false, sidecar: {image: registry.example.com/mount-s3:1.21.0}%s}
            buckets: [{name: spark-jars-bucket, csi: %s}]
            bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]%s}]
            """;
    private static final StaticClusterView DRIVER = new StaticClusterView(List.of(), Map.of(), Map.of(), true);
    private static final ClusterView NO_CLAIMS_MANAGED = DRIVER.withClaims(Set.of(), true);
    private static final ClusterView NO_CLAIMS_UNMANAGED = DRIVER.withClaims(Set.of(), false);

    @Test
    void aMissingClaimOfABucketWhoseClaimIsNamedInThePolicyIsRefused() {
        PolicySnapshot named = policy("csi", "", "{claimName: jars-readonly}", "");
        Decision.Deny deny = denied(named, NO_CLAIMS_MANAGED);
        assertThat(deny.kind()).isEqualTo(DenyCode.INVALID);
        assertThat(deny.reason()).isEqualTo("csi mode cannot serve this pod: claim jars-readonly of bucket"
                + " spark-jars-bucket does not exist in namespace spark-team-a: the policy names it as csi.claimName,"
                + " so the platform team creates it (docs/install.md)");
        assertThat(decide(named, DRIVER.withClaims(Set.of("spark-team-a/jars-readonly"), true)))
                .isInstanceOf(Decision.Patch.class);
    }

    @Test
    void aClaimS3jarsKeepsIsOnItsWaySoThePodIsPatched() {
        assertThat(decide(policy("csi", "", "{}", ""), NO_CLAIMS_MANAGED)).isInstanceOf(Decision.Patch.class);
    }

    @Test
    void withManagementOffAMissingClaimIsRefused() {
        assertThat(denied(policy("csi", "", "{}", ""), NO_CLAIMS_UNMANAGED).reason())
                .contains("s3jars does not manage csi volumes in this cluster");
        assertThat(denied(policy("csi", ", csi: {manageVolumes: false}", "{}", ""), NO_CLAIMS_MANAGED).reason())
                .contains("s3jars does not manage csi volumes in this cluster");
    }

    @Test
    void aBindingForSomeServiceAccountsGetsNoClaimAndSaysWhy() {
        PolicySnapshot restricted = policy("csi", "", "{}", ", serviceAccounts: [spark-team-a]");
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(restricted), NO_CLAIMS_MANAGED);
        // The fixture's executor runs as service account spark-team-a, which the binding names.
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).reason()).contains("grants the bucket to every service account");
    }

    @Test
    void aViewThatDoesNotWatchClaimsRefusesNothing() {
        assertThat(decide(policy("csi", "", "{claimName: jars-readonly}", ""), DRIVER)).isInstanceOf(Decision.Patch.class);
    }

    @Test
    void autoPassesCsiOverWhenTheClaimIsMissing() {
        PolicySnapshot auto = policy("auto", "", "{claimName: jars-readonly}", "");
        Decision.Patch patch = (Decision.Patch) decide(auto, NO_CLAIMS_MANAGED);
        assertThat(patch.mode().label()).isEqualTo("sidecar");
        assertThat(patch.warnings()).singleElement().asString().contains("claim jars-readonly of bucket spark-jars-bucket"
                + " does not exist in namespace spark-team-a");
        Decision.Patch present = (Decision.Patch) decide(auto, DRIVER.withClaims(Set.of("spark-team-a/jars-readonly"), false));
        assertThat(present.mode().label()).isEqualTo("csi");
    }

    private static PolicySnapshot policy(String mode, String defaults, String csi, String binding) {
        return Fixtures.policy(POLICY.formatted(mode, defaults, csi, binding));
    }

    private static Decision decide(PolicySnapshot policy, ClusterView cluster) {
        return new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a", Optional.of(policy),
                cluster);
    }

    private static Decision.Deny denied(PolicySnapshot policy, ClusterView cluster) {
        Decision decision = decide(policy, cluster);
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        return (Decision.Deny) decision;
    }
}
