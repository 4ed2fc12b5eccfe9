package io.s3jars.mutation;

import static io.s3jars.testing.Fixtures.EXECUTOR;
import static io.s3jars.testing.Fixtures.sparkPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
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
        assertThat(patched.at("/spec/volumes/0/name").asText()).isEqualTo("s3jars-mnt-spark-jars-bucket");
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
        pod.with("spec").withArray("volumes").addObject().put("name", "s3jars-mnt-spark-jars-bucket")
                .putObject("hostPath").put("path", "/");
        assertThat(deny(pod).reason()).contains("already has a volume named s3jars-mnt-spark-jars-bucket");

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

    /**
     * A volume named like s3jars' own claims an earlier call. The pod's author can write it, so the
     * claimed mode is kept only when the policy could give this pod that mode; otherwise the pod
     * is denied, naming the volume. Kept modes re-run to an empty patch.
     */
    @Test
    void anEarlierModeIsKeptOnlyWhenThePolicyCouldHaveChosenIt() {
        record Case(String name, String defaults, String volume, String expected) {
        }
        String emptyDir = "{\"name\": \"s3jars-mnt-spark-jars-bucket\", \"emptyDir\": {}}";
        String hostPath = "{\"name\": \"s3jars-mnt-spark-jars-bucket\", \"hostPath\": {\"path\": \"/mnt/s3\","
                + " \"type\": \"Directory\"}}";
        List<Case> cases = List.of(
                new Case("hostpath only, pod brings an emptyDir", "{mode: hostpath, allowModeOverride: false}", emptyDir,
                        "deny: the pod already has volume s3jars-mnt-spark-jars-bucket (emptyDir, as s3jars adds in sidecar"
                                + " mode), but the policy allows only hostpath mode; remove or rename that volume"),
                new Case("sidecar only, pod brings a hostPath", "{mode: sidecar, allowModeOverride: false}", hostPath,
                        "deny: the pod already has volume s3jars-mnt-spark-jars-bucket (hostPath, as s3jars adds in hostpath"
                                + " mode), but the policy allows only sidecar mode; remove or rename that volume"),
                new Case("hostpath only, pod brings the hostPath", "{mode: hostpath, allowModeOverride: false}", hostPath,
                        "hostpath"),
                new Case("auto may give sidecar", "{mode: auto, allowModeOverride: false}", emptyDir, "sidecar"),
                new Case("pods may choose sidecar", "{mode: hostpath, allowModeOverride: true}", emptyDir, "sidecar"));
        for (Case c : cases) {
            PolicySnapshot policy = Fixtures.policy("""
                    apiVersion: s3jars.io/v1alpha1
                    kind: S3JarsPolicy
                    defaults: %s
                    buckets: [{name: spark-jars-bucket, sidecar: {image: mount-s3:1}}]
                    bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
                    """.formatted(c.defaults()));
            ObjectNode pod = sparkPod(EXECUTOR);
            pod.with("spec").withArray("volumes").add(json(c.volume()));
            Decision decision = engine.decide(pod, "spark-team-a", Optional.of(policy), NODES);
            if (decision instanceof Decision.Deny deny) {
                assertThat("deny: " + deny.reason()).as(c.name()).isEqualTo(c.expected());
                assertThat(deny.code()).as(c.name()).isEqualTo(422);
                continue;
            }
            Decision.Patch patch = (Decision.Patch) decision;
            assertThat(patch.mode().label()).as(c.name()).isEqualTo(c.expected());
            Decision again = engine.decide(patch.mutatedPod(), "spark-team-a", Optional.of(policy), NODES);
            assertThat(((Decision.Patch) again).operations()).as(c.name() + ", second pass").isEmpty();
        }
    }

    /**
     * Shapes no valid Pod has, sent before schema validation: a list where an object belongs, an
     * object where a list belongs, a string where either does. Each is a 422 naming the place,
     * never an exception (which the webhook would answer with HTTP 500).
     */
    @Test
    void oddShapesAreDeniedNotCrashed() {
        String required = "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution";
        record Case(String place, String json, ClusterView cluster, String reason) {
        }
        List<Case> cases = List.of(
                new Case("/spec", "[]", NODES, "spec must be an object"),
                new Case("/spec", "\"x\"", NODES, "spec must be an object"),
                new Case("/spec/affinity", "[]", NODES, "spec.affinity must be an object"),
                new Case("/spec/affinity/nodeAffinity", "[]", NODES, "spec.affinity.nodeAffinity must be an object"),
                new Case(required, "[]", NODES, "requiredDuringSchedulingIgnoredDuringExecution must be an object"),
                new Case(required, "{\"nodeSelectorTerms\": {}}", NODES, "nodeSelectorTerms must be a list"),
                new Case(required, "{\"nodeSelectorTerms\": \"x\"}", NODES, "nodeSelectorTerms must be a list"),
                new Case(required, "{\"nodeSelectorTerms\": [\"x\"]}", NODES, "nodeSelectorTerms.0 must be an object"),
                new Case(required, "{\"nodeSelectorTerms\": [{\"matchExpressions\": {\"key\": \"zone\"}}]}", NODES,
                        "nodeSelectorTerms.0.matchExpressions must be a list"),
                new Case("/spec/volumes", "{}", NODES, "spec.volumes must be a list"),
                new Case("/spec/volumes", "{}", ClusterView.EMPTY, "spec.volumes must be a list"),
                new Case("/spec/containers", "{}", NODES, "spec.containers must be a list"),
                new Case("/spec/containers", "[\"x\"]", NODES, "spec.containers.0 must be an object"),
                new Case("/spec/containers", "[null]", NODES, "spec.containers.0 must be an object"),
                new Case("/spec/containers/0/volumeMounts", "{}", NODES,
                        "spec.containers.0.volumeMounts must be a list"),
                new Case("/spec/initContainers", "{}", ClusterView.EMPTY, "spec.initContainers must be a list"),
                new Case("/metadata/annotations", "[]", NODES, "metadata.annotations must be an object"));
        for (Case c : cases) {
            ObjectNode pod = sparkPod(EXECUTOR);
            String parent = c.place().substring(0, c.place().lastIndexOf('/'));
            pod.withObject(JsonPointer.compile(parent)).set(c.place().substring(parent.length() + 1), json(c.json()));
            String name = c.place() + " = " + c.json();
            Decision decision = engine.decide(pod, "spark-team-a", Optional.of(POLICY), c.cluster());
            assertThat(decision).as(name).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) decision).code()).as(name).isEqualTo(422);
            assertThat(((Decision.Deny) decision).reason()).as(name).startsWith("s3jars cannot read the pod: ")
                    .endsWith(c.reason());
        }
    }

    /** An expression with a value list of the wrong type is not ours; the pod gets ours beside it. */
    @Test
    void aForeignExpressionOfOddShapeIsNotMistakenForOurs() {
        ObjectNode pod = sparkPod(EXECUTOR);
        pod.with("spec").withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms").addObject()
                .putArray("matchExpressions").addObject().put("key", "mountpoint.s3jars.io/spark-jars-bucket")
                .put("operator", "In").putObject("values").put("a", "ready");
        Decision.Patch patch = patch(pod, NODES);
        assertThat(patch.operations().findValuesAsText("path")).contains("/spec/affinity/nodeAffinity"
                + "/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/-");
    }

    /** {@code a.b} and {@code a-b} would both be s3jars-mnt-a-b without the hash; in one pod they must not meet. */
    @Test
    void bucketsThatDifferOnlyByDotsGetTheirOwnVolumes() {
        PolicySnapshot policy = Fixtures.policy("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {sidecar: {image: mount-s3:1}}
                buckets: [{name: a.b, nodeMountPath: /mnt/a.b}, {name: a-b, nodeMountPath: /mnt/a-b}]
                bindings: [{namespaces: [spark-team-a], buckets: [a.b, a-b]}]
                """);
        ClusterView bothReady = StaticClusterView.ofNodes(Nodes.readyNodes(1, Map.of(
                "mountpoint.s3jars.io/a.b", "ready", "mountpoint.s3jars.io/a-b", "ready")));
        for (ClusterView cluster : List.of(bothReady, ClusterView.EMPTY)) {
            ObjectNode pod = GoldenInjectionTest.annotate(GoldenInjectionTest.withoutBucketLabel(sparkPod(EXECUTOR)),
                    PodContract.BUCKETS, "a.b,a-b");
            Decision.Patch patch = (Decision.Patch) engine.decide(pod, "spark-team-a", Optional.of(policy), cluster);
            JsonNode patched = Fixtures.apply(patch.operations(), pod);
            Fixtures.asPod(patched);
            String mode = patch.mode().label();
            List<String> ours = patched.at("/spec/volumes").findValuesAsText("name").stream()
                    .filter(n -> n.startsWith("s3jars-")).toList();
            assertThat(ours).as(mode).doesNotHaveDuplicates().contains("s3jars-mnt-a-b")
                    .anyMatch(n -> n.matches("s3jars-mnt--a-b-[0-9a-f]{8}"));
            assertThat(patched.at("/spec/containers/0/volumeMounts").findValuesAsText("mountPath")).as(mode)
                    .contains("/mnt/s3/a.b", "/mnt/s3/a-b");
            Decision again = engine.decide((ObjectNode) patched, "spark-team-a", Optional.of(policy), cluster);
            assertThat(((Decision.Patch) again).operations()).as(mode + ", second pass").isEmpty();
        }
    }

    /**
     * Before {@code s3jars-mnt-<bucket>}, the volume was {@code s3jars-<bucket>}. A pod injected under
     * that name and sent again (another webhook changed it: reinvocation) is not recognised as
     * injected; its Spark container already mounts the old volume at the bucket's path, so it is
     * denied, never given a second volume and mount. docs/install.md, "Upgrades", relies on this.
     */
    @Test
    void aPodInjectedUnderTheEarlierVolumeNameIsDeniedNotInjectedTwice() throws IOException {
        for (ClusterView cluster : List.of(NODES, ClusterView.EMPTY)) {
            Decision.Patch patch = patch(sparkPod(EXECUTOR), cluster);
            String injected = Fixtures.JSON.writeValueAsString(patch.mutatedPod());
            ObjectNode earlier = (ObjectNode) Fixtures.JSON.readTree(injected.replace("\"s3jars-mnt-spark-jars-bucket\"",
                    "\"s3jars-spark-jars-bucket\""));
            assertThat(earlier.toString()).doesNotContain("s3jars-mnt-");
            Decision again = engine.decide(earlier, "spark-team-a", Optional.of(POLICY), cluster);
            assertThat(again).as(patch.mode().label()).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
                assertThat(deny.code()).isEqualTo(422);
                assertThat(deny.reason()).isEqualTo("container spark-kubernetes-executor already mounts"
                        + " s3jars-spark-jars-bucket at /mnt/s3, where s3jars must mount s3jars-mnt-spark-jars-bucket at"
                        + " /mnt/s3; move that mount or set the policy's defaults.mountPath");
            });
        }
    }

    private static JsonNode json(String text) {
        try {
            return Fixtures.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
