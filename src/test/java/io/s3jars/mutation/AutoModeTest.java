package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** auto takes the first mode of the policy's order the pod can have: hostpath, csi, sidecar by default. */
class AutoModeTest {

    private static final String POLICY = """
            apiVersion: s3jars.io/v1alpha1
            kind: S3JarsPolicy
            defaults: {mode: auto, sidecar: {image: registry.example.com/mount-s3:1.21.0}%s}
            buckets: [{name: spark-jars-bucket%s}]
            bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
            """;
    private static final ClusterView NO_NODES_WITH_DRIVER = new StaticClusterView(List.of(), Map.of(), Map.of(), true);
    private static final ClusterView NODES_AND_DRIVER = new StaticClusterView(Nodes.readyNodes(1, Nodes.JARS_READY),
            Map.of(), Map.of(), true);

    @Test
    void csiComesAfterHostpathWhenTheBucketDeclaresItAndTheDriverRuns() {
        PolicySnapshot declared = Fixtures.policy(POLICY.formatted("", ", csi: {}"));
        assertThat(mode(declared, NODES_AND_DRIVER)).isEqualTo("hostpath");
        assertThat(mode(declared, NO_NODES_WITH_DRIVER)).isEqualTo("csi");
        Decision.Patch csi = patch(declared, NO_NODES_WITH_DRIVER);
        assertThat(csi.warnings()).singleElement().asString().startsWith("auto chose csi: no Ready, schedulable node");
        Decision.Patch noDriver = patch(declared, ClusterView.EMPTY);
        assertThat(noDriver.mode().label()).isEqualTo("sidecar");
        assertThat(noDriver.warnings()).singleElement().asString().endsWith("the CSI driver s3.csi.aws.com is not installed");
    }

    @Test
    void aBucketThatDeclaresNoCsiIsNeverGivenItByAuto() {
        PolicySnapshot undeclared = Fixtures.policy(POLICY.formatted("", ""));
        assertThat(mode(undeclared, NO_NODES_WITH_DRIVER)).isEqualTo("sidecar");
    }

    @Test
    void theOrderIsThePolicys() {
        PolicySnapshot csiFirst = Fixtures.policy(POLICY.formatted(", autoOrder: [csi, hostpath, sidecar]", ", csi: {}"));
        assertThat(mode(csiFirst, NODES_AND_DRIVER)).isEqualTo("csi");
        PolicySnapshot noCsi = Fixtures.policy(POLICY.formatted(", autoOrder: [hostpath, sidecar]", ", csi: {}"));
        assertThat(mode(noCsi, NO_NODES_WITH_DRIVER)).isEqualTo("sidecar");
    }

    @Test
    void whereOnlyCsiServesBecausePodSecurityForbidsTheOthersAutoGivesCsi() {
        PolicySnapshot declared = Fixtures.policy(POLICY.formatted("", ", csi: {}"));
        ClusterView baseline = new StaticClusterView(Nodes.readyNodes(1, Nodes.JARS_READY),
                Map.of("spark-team-a", "baseline"), Map.of(), true);
        Decision.Patch patch = patch(declared, baseline);
        assertThat(patch.mode().label()).isEqualTo("csi");
        assertThat(patch.warnings()).singleElement().asString()
                .isEqualTo("auto chose csi: namespace spark-team-a enforces Pod Security level 'baseline'");
    }

    @Test
    void theReasonNamesOnlyWhatCameBeforeTheChoice() {
        PolicySnapshot csiFirst = Fixtures.policy(POLICY.formatted(", autoOrder: [csi, hostpath, sidecar]", ", csi: {}"));
        assertThat(patch(csiFirst, NODES_AND_DRIVER).warnings()).singleElement().asString()
                .isEqualTo("auto chose csi: the first mode of the policy's autoOrder");
    }

    private static String mode(PolicySnapshot policy, ClusterView cluster) {
        return patch(policy, cluster).mode().label();
    }

    private static Decision.Patch patch(PolicySnapshot policy, ClusterView cluster) {
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(policy), cluster);
        assertThat(decision).isInstanceOf(Decision.Patch.class);
        return (Decision.Patch) decision;
    }
}
