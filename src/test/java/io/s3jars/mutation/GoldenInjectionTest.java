package io.s3jars.mutation;

import static io.s3jars.testing.Fixtures.DRIVER;
import static io.s3jars.testing.Fixtures.EXECUTOR;
import static io.s3jars.testing.Fixtures.TEMPLATE_EXECUTOR;
import static io.s3jars.testing.Fixtures.sparkPod;
import static io.s3jars.testing.Fixtures.withApiServerDefaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Table-driven: real Spark pod + policy + cluster view -> golden decision in
 * {@code src/test/resources/golden/<case>.json}. Every patch is applied with zjsonpatch, decoded
 * as a fabric8 Pod, and fed back to the engine, which must then change nothing.
 * Run with {@code -Dgolden.update=true} to rewrite the goldens after an intended change.
 */
public class GoldenInjectionTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();
    private static final ClusterView JARS_NODES = StaticClusterView.ofNodes(Nodes.readyNodes(3, Nodes.JARS_READY));
    private static final ClusterView TWO_BUCKET_NODES = StaticClusterView.ofNodes(Nodes.readyNodes(2, Map.of(
            "mountpoint.s3jars.io/spark-jars-bucket", "ready", "mountpoint.s3jars.io/shared.libs", "ready")));
    /** Mount-ready spot nodes of the node group the pod-template executor selects, tainted as that group is. */
    private static final ClusterView TAINTED_NODES = StaticClusterView.ofNodes(List.of(
            Nodes.tainted("spot-1", Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready",
                    "NodeGroupType", "SparkComputeOptimized", "karpenter.sh/capacity-type", "spot"),
                    "spark-compute-optimized", "NoSchedule")));

    public record Case(String name, ObjectNode pod, String namespace, PolicySnapshot policy, ClusterView cluster) {
    }

    /** Also read through the admission path's review reader by {@code ReviewReaderTest}. */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (boolean defaulted : new boolean[] {false, true}) {
            String suffix = defaulted ? "-defaulted" : "";
            UnaryOperator<ObjectNode> shape = defaulted ? Fixtures::withApiServerDefaults : p -> p;
            cases.add(new Case("driver-hostpath" + suffix, shape.apply(sparkPod(DRIVER)), "spark-team-a", POLICY, JARS_NODES));
            cases.add(new Case("executor-hostpath" + suffix, shape.apply(sparkPod(EXECUTOR)), "spark-team-a", POLICY, JARS_NODES));
            cases.add(new Case("template-executor-hostpath" + suffix, shape.apply(sparkPod(TEMPLATE_EXECUTOR)),
                    "spark-team-a", POLICY, TAINTED_NODES));
            cases.add(new Case("driver-sidecar" + suffix, shape.apply(sparkPod(DRIVER)), "spark-team-a", POLICY,
                    ClusterView.EMPTY));
            cases.add(new Case("executor-sidecar" + suffix, shape.apply(sparkPod(EXECUTOR)), "spark-team-a", POLICY,
                    ClusterView.EMPTY));
            cases.add(new Case("driver-csi" + suffix, csi(shape.apply(sparkPod(DRIVER))), "spark-team-a", POLICY,
                    JARS_NODES));
            cases.add(new Case("executor-csi" + suffix, csi(shape.apply(sparkPod(EXECUTOR))), "spark-team-a", POLICY,
                    JARS_NODES));
        }
        cases.add(new Case("driver-two-buckets-csi", csi(twoBuckets(sparkPod(DRIVER))), "spark-team-a", POLICY,
                ClusterView.EMPTY));
        // csi needs no hostPath and no privileged container: patched where Pod Security is restricted.
        cases.add(new Case("executor-csi-pss-restricted", csi(sparkPod(EXECUTOR)), "spark-team-a", POLICY,
                new StaticClusterView(List.of(), Map.of("spark-team-a", "restricted"))));
        // Mount-ready nodes exist, but none in the node group the pod's nodeSelector pins it to.
        cases.add(new Case("template-executor-other-node-group-sidecar", sparkPod(TEMPLATE_EXECUTOR), "spark-team-a",
                POLICY, JARS_NODES));
        cases.add(new Case("executor-untolerated-taint-sidecar", sparkPod(EXECUTOR), "spark-team-a", POLICY, TAINTED_NODES));
        cases.add(new Case("executor-classic-sidecar", sparkPod(EXECUTOR), "spark-team-a", Fixtures.policy("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults:
                  mode: sidecar
                  sidecar: {image: registry.example.com/mount-s3:1.21.0, nativeSidecar: false}
                buckets: [{name: spark-jars-bucket, region: us-west-2, prefix: jars/}]
                bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
                """), ClusterView.EMPTY));
        cases.add(new Case("driver-two-buckets-hostpath", twoBuckets(sparkPod(DRIVER)), "spark-team-a", POLICY,
                TWO_BUCKET_NODES));
        cases.add(new Case("driver-two-buckets-sidecar", twoBuckets(sparkPod(DRIVER)), "spark-team-a", POLICY,
                ClusterView.EMPTY));
        cases.add(new Case("driver-mode-annotation-sidecar", annotate(sparkPod(DRIVER), PodContract.MODE, "sidecar"),
                "spark-team-a", POLICY, JARS_NODES));
        cases.add(new Case("driver-mode-annotation-hostpath-no-nodes", annotate(sparkPod(DRIVER), PodContract.MODE,
                "hostpath"), "spark-team-a", POLICY, ClusterView.EMPTY));
        cases.add(new Case("driver-mode-annotation-invalid", annotate(sparkPod(DRIVER), PodContract.MODE, "HostPath"),
                "spark-team-a", POLICY, JARS_NODES));
        cases.add(new Case("executor-existing-affinity-terms", withAffinityTerms(sparkPod(EXECUTOR)), "spark-team-a",
                POLICY, JARS_NODES));
        cases.add(new Case("executor-namespace-not-allowed", sparkPod(EXECUTOR), "spark-team-b", POLICY, JARS_NODES));
        cases.add(new Case("executor-glob-namespace", sparkPod(EXECUTOR), "analytics-prod", POLICY, JARS_NODES));
        cases.add(new Case("executor-no-bucket-single-choice", withoutBucketLabel(sparkPod(EXECUTOR)), "analytics-prod",
                POLICY, JARS_NODES));
        cases.add(new Case("executor-no-bucket-several-choices", withoutBucketLabel(sparkPod(EXECUTOR)), "spark-team-a",
                POLICY, JARS_NODES));
        cases.add(new Case("executor-one-forbidden-of-two", annotate(withoutBucketLabel(sparkPod(EXECUTOR)),
                PodContract.BUCKETS, "spark-jars-bucket, team-b-jars"), "spark-team-a", POLICY, JARS_NODES));
        cases.add(new Case("executor-service-account-not-bound", withoutBucketLabel(sparkPod(EXECUTOR)), "spark-team-b",
                POLICY, JARS_NODES));
        cases.add(new Case("executor-path-traversal-bucket", label(sparkPod(EXECUTOR), PodContract.BUCKET, "../etc"),
                "spark-team-a", POLICY, JARS_NODES));
        cases.add(new Case("executor-uppercase-bucket", label(sparkPod(EXECUTOR), PodContract.BUCKET, "Spark-Jars-Bucket"),
                "spark-team-a", POLICY, JARS_NODES));
        cases.add(new Case("executor-pss-baseline", sparkPod(EXECUTOR), "spark-team-a", POLICY,
                new StaticClusterView(List.of(), Map.of("spark-team-a", "baseline"))));
        cases.add(new Case("executor-opted-out", label(sparkPod(EXECUTOR), PodContract.INJECT, "false"), "spark-team-a",
                POLICY, JARS_NODES));
        cases.add(new Case("not-a-spark-pod", label(sparkPod(EXECUTOR), PodContract.SPARK_ROLE, "web"), "spark-team-a",
                POLICY, JARS_NODES));
        cases.add(new Case("generate-name-pod", generateName(sparkPod(EXECUTOR)), "spark-team-a", POLICY, JARS_NODES));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesItsGolden() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    @Test
    void noGoldenWithoutACase() throws IOException {
        Set<String> names = cases().stream().map(c -> c.name() + ".json").collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(GOLDEN)) {
            Set<String> stale = files.map(p -> p.getFileName().toString()).filter(f -> !names.contains(f))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertTrue(stale.isEmpty(), "golden files without a case: " + stale);
        }
    }

    private static void check(Case c) throws IOException {
        ObjectNode original = c.pod().deepCopy();
        Decision decision = new MutationEngine().decide(c.pod(), c.namespace(), Optional.of(c.policy()), c.cluster());
        assertEquals(original, c.pod(), "the engine must not modify its input");
        String actual = Fixtures.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(render(decision)) + "\n";
        Path golden = GOLDEN.resolve(c.name() + ".json");
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual);
        }
        assertTrue(Files.exists(golden), "no golden " + golden + "; run with -Dgolden.update=true");
        assertEquals(Files.readString(golden), actual, "decision differs from " + golden);
        if (decision instanceof Decision.Patch patch) {
            assertTrue(patch.changesPod(), "a first pass must change the pod");
            JsonNode patched = Fixtures.apply(patch.operations(), c.pod());
            assertEquals(patch.mutatedPod(), patched, "the patch must produce exactly the engine's pod");
            Fixtures.asPod(patched);
            Decision again = new MutationEngine().decide((ObjectNode) patched, c.namespace(), Optional.of(c.policy()),
                    c.cluster());
            assertTrue(again instanceof Decision.Patch, "second pass: " + again);
            assertFalse(((Decision.Patch) again).changesPod(), "second pass must be empty: "
                    + ((Decision.Patch) again).operations());
        }
    }

    private static JsonNode render(Decision decision) {
        ObjectNode out = Fixtures.JSON.createObjectNode();
        if (decision instanceof Decision.Patch patch) {
            out.put("decision", "patch").put("mode", patch.mode().label());
            patch.buckets().forEach(out.putArray("buckets")::add);
            patch.warnings().forEach(out.putArray("warnings")::add);
            out.set("patch", patch.operations());
        } else if (decision instanceof Decision.Deny deny) {
            out.put("decision", "deny").put("code", deny.code()).put("reason", deny.reason());
        } else {
            out.put("decision", "skip").put("reason", ((Decision.Skip) decision).reason());
        }
        return out;
    }

    static ObjectNode annotate(ObjectNode pod, String key, String value) {
        ((ObjectNode) pod.get("metadata")).withObject("annotations").put(key, value);
        return pod;
    }

    static ObjectNode label(ObjectNode pod, String key, String value) {
        ((ObjectNode) pod.get("metadata")).withObject("labels").put(key, value);
        return pod;
    }

    static ObjectNode withoutBucketLabel(ObjectNode pod) {
        ((ObjectNode) pod.path("metadata").path("labels")).remove(PodContract.BUCKET);
        return pod;
    }

    private static ObjectNode csi(ObjectNode pod) {
        return annotate(pod, PodContract.MODE, "csi");
    }

    private static ObjectNode twoBuckets(ObjectNode pod) {
        return annotate(withoutBucketLabel(pod), PodContract.BUCKETS, "spark-jars-bucket,shared.libs");
    }

    private static ObjectNode generateName(ObjectNode pod) {
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        metadata.remove("name");
        metadata.remove("namespace");
        metadata.put("generateName", "taxi-trip-exec-");
        return pod;
    }

    private static ObjectNode withAffinityTerms(ObjectNode pod) {
        ObjectNode required = ((ObjectNode) pod.get("spec")).withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution");
        var terms = required.putArray("nodeSelectorTerms");
        terms.addObject().putArray("matchExpressions").addObject().put("key", "topology.kubernetes.io/zone")
                .put("operator", "In").putArray("values").add("us-west-2a");
        terms.addObject().putArray("matchFields").addObject().put("key", "metadata.name")
                .put("operator", "In").putArray("values").add("ip-10-0-1-1");
        return pod;
    }
}
