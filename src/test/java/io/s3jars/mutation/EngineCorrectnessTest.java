package io.s3jars.mutation;

import static io.s3jars.testing.Fixtures.EXECUTOR;
import static io.s3jars.testing.Fixtures.sparkPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules every patch must keep, beyond the goldens. */
class EngineCorrectnessTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();
    private static final ClusterView NODES = StaticClusterView.ofNodes(Nodes.readyNodes(1, Nodes.JARS_READY));
    private final MutationEngine engine = new MutationEngine();

    @Test
    void fieldsUnknownToTheModelSurvive() {
        ObjectNode pod = sparkPod(EXECUTOR);
        pod.with("spec").put("futureField", "kept").with("x-vendor").put("nested", 1);
        ((ObjectNode) pod.at("/spec/containers/0")).put("futureContainerField", true);
        JsonNode patched = applyPatch(pod, NODES);
        assertThat(patched.at("/spec/futureField").asText()).isEqualTo("kept");
        assertThat(patched.at("/spec/x-vendor/nested").asInt()).isEqualTo(1);
        assertThat(patched.at("/spec/containers/0/futureContainerField").asBoolean()).isTrue();
    }

    @Test
    void pointerEscapingForKeysWithSlashAndTilde() {
        ObjectNode pod = sparkPod(EXECUTOR);
        pod.with("metadata").with("annotations").put("a~b/c", "x");
        Decision.Patch patch = patch(pod, NODES);
        assertThat(patch.operations().findValuesAsText("path")).contains("/metadata/annotations/s3jars.io~1status");
        assertThat(PodEditor.escape("a~b/c")).isEqualTo("a~0b~1c");
        JsonNode patched = Fixtures.apply(patch.operations(), pod);
        assertThat(patched.at("/metadata/annotations/a~0b~1c").asText()).isEqualTo("x");
        assertThat(patched.at("/metadata/annotations/s3jars.io~1status").asText()).contains("\"mode\":\"hostpath\"");
    }

    @Test
    void missingArraysAndObjectsAreCreated() {
        ObjectNode pod = sparkPod(EXECUTOR);
        pod.with("spec").remove("volumes");
        ((ObjectNode) pod.at("/spec/containers/0")).remove("volumeMounts");
        pod.with("spec").putNull("affinity");
        JsonNode patched = applyPatch(pod, NODES);
        assertThat(patched.at("/spec/volumes/0/name").asText()).isEqualTo("s3jars-spark-jars-bucket");
        assertThat(patched.at("/spec/containers/0/volumeMounts/0/mountPath").asText()).isEqualTo("/mnt/s3");
        assertThat(patched.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchExpressions/0/key").asText()).isEqualTo("mountpoint.s3jars.io/spark-jars-bucket");
    }

    @Test
    void aContainerAddedBetweenTwoCallsGetsItsMountOnTheSecond() {
        ObjectNode pod = sparkPod(EXECUTOR);
        ((ObjectNode) pod.at("/spec/containers/0")).put("name", "app");
        ObjectNode first = (ObjectNode) applyPatch(pod, NODES);
        first.with("spec").withArray("containers").addObject().put("name", "app-helper").put("image", "busybox");
        first.with("spec").withArray("containers").addObject().put("name", "istio-proxy").put("image", "proxy");
        Decision.Patch second = patch(first, NODES);
        assertThat(second.operations()).hasSize(1);
        assertThat(second.operations().get(0).get("path").asText()).isEqualTo("/spec/containers/1/volumeMounts");
        assertThat(patch((ObjectNode) Fixtures.apply(second.operations(), first), NODES).changesPod()).isFalse();
    }

    @Test
    void aSparkContainerAddedLaterGetsItsMountButOtherSidecarsDoNot() {
        ObjectNode first = (ObjectNode) applyPatch(sparkPod(EXECUTOR), NODES);
        first.with("spec").withArray("containers").addObject().put("name", "log-shipper").put("image", "fluent");
        first.with("spec").withArray("containers").addObject().put("name", "executor").put("image", "spark");
        Decision.Patch second = patch(first, NODES);
        assertThat(second.operations().findValuesAsText("path")).containsExactly("/spec/containers/2/volumeMounts");
    }

    @Test
    void modeOfAnEarlierInjectionIsKeptWhenNodesChange() {
        ObjectNode hostPathPod = (ObjectNode) applyPatch(sparkPod(EXECUTOR), NODES);
        Decision.Patch again = patch(hostPathPod, ClusterView.EMPTY);
        assertThat(again.changesPod()).isFalse();
        assertThat(again.mode().label()).isEqualTo("hostpath");
    }

    @Test
    void aClashingVolumeOrMountIsDeniedNotOverwritten() {
        ObjectNode pod = sparkPod(EXECUTOR);
        pod.with("spec").withArray("volumes").addObject().put("name", "s3jars-spark-jars-bucket")
                .putObject("hostPath").put("path", "/");
        assertThat(deny(pod).reason()).contains("already has a volume named s3jars-spark-jars-bucket");

        ObjectNode mounted = sparkPod(EXECUTOR);
        ((ObjectNode) mounted.at("/spec/containers/0")).withArray("volumeMounts").addObject()
                .put("name", "spark-local-dir-1").put("mountPath", "/mnt/s3");
        assertThat(deny(mounted).reason()).contains("container spark-kubernetes-executor already mounts"
                + " spark-local-dir-1 at /mnt/s3");
    }

    @Test
    void malformedPodsAreDeniedWithThePlace() {
        ObjectNode numberLabel = sparkPod(EXECUTOR);
        numberLabel.with("metadata").with("labels").put(PodContract.BUCKET, 7);
        assertThat(deny(numberLabel).reason()).isEqualTo(
                "s3jars cannot read the pod: metadata.labels[\"s3jars.io/bucket\"] must be a string");

        ObjectNode stringVolumes = sparkPod(EXECUTOR);
        stringVolumes.with("spec").put("volumes", "none");
        assertThat(deny(stringVolumes).reason()).contains("must be a list");
    }

    @Test
    void bucketAnnotationLimits() {
        ObjectNode empty = GoldenInjectionTest.withoutBucketLabel(sparkPod(EXECUTOR));
        GoldenInjectionTest.annotate(empty, PodContract.BUCKETS, "spark-jars-bucket,,shared.libs");
        assertThat(deny(empty).reason()).contains("has an empty item");

        ObjectNode many = GoldenInjectionTest.withoutBucketLabel(sparkPod(EXECUTOR));
        GoldenInjectionTest.annotate(many, PodContract.BUCKETS, "b1,".repeat(300) + "b2");
        assertThat(deny(many).reason()).contains("lists 301 buckets; at most 16");

        ObjectNode both = GoldenInjectionTest.annotate(sparkPod(EXECUTOR), PodContract.BUCKETS, "spark-jars-bucket");
        assertThat(deny(both).reason()).contains("not both");
    }

    @Test
    void withoutAPolicyOptedInPodsAreDeniedAndOthersSkipped() {
        Decision decision = engine.decide(sparkPod(EXECUTOR), "spark-team-a", Optional.empty(), NODES);
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).code()).isEqualTo(503);
        ObjectNode optedOut = GoldenInjectionTest.label(sparkPod(EXECUTOR), PodContract.INJECT, "false");
        assertThat(engine.decide(optedOut, "spark-team-a", Optional.empty(), NODES)).isInstanceOf(Decision.Skip.class);
    }

    @Test
    void forbiddenModeOverrideIsIgnoredWithAWarning() {
        PolicySnapshot strict = Fixtures.policy("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets: [{name: spark-jars-bucket}]
                bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
                """);
        ObjectNode pod = GoldenInjectionTest.annotate(sparkPod(EXECUTOR), PodContract.MODE, "sidecar");
        Decision.Patch patch = (Decision.Patch) engine.decide(pod, "spark-team-a", Optional.of(strict), NODES);
        assertThat(patch.mode().label()).isEqualTo("hostpath");
        assertThat(patch.warnings()).anyMatch(w -> w.contains("ignored: the policy does not allow per-pod modes"));
    }

    private Decision.Deny deny(ObjectNode pod) {
        Decision decision = engine.decide(pod, "spark-team-a", Optional.of(POLICY), NODES);
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        return (Decision.Deny) decision;
    }

    private Decision.Patch patch(ObjectNode pod, ClusterView cluster) {
        Decision decision = engine.decide(pod, "spark-team-a", Optional.of(POLICY), cluster);
        assertThat(decision).isInstanceOf(Decision.Patch.class);
        return (Decision.Patch) decision;
    }

    private JsonNode applyPatch(ObjectNode pod, ClusterView cluster) {
        Decision.Patch patch = patch(pod, cluster);
        JsonNode patched = Fixtures.apply(patch.operations(), pod);
        assertThat(patched).isEqualTo(patch.mutatedPod());
        Fixtures.asPod(patched);
        return patched;
    }
}
