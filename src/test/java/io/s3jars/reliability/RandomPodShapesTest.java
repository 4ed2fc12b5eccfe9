package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Clusters;
import io.s3jars.testing.Defaulting;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property test over random pod shapes built from the real Spark pods: for every pod the engine
 * patches, the patch applies, the result decodes as a Pod and a second pass changes nothing; no
 * shape makes the engine throw.
 */
class RandomPodShapesTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();
    private static final List<ClusterView> CLUSTERS = List.of(ClusterView.EMPTY,
            StaticClusterView.ofNodes(Nodes.readyNodes(2, Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready",
                    "mountpoint.s3jars.io/shared.libs", "ready"))));
    private static final List<String> FIXTURES = List.of(Fixtures.DRIVER, Fixtures.EXECUTOR, Fixtures.TEMPLATE_EXECUTOR);

    @Test
    void everyAcceptedShapePatchesCleanlyAndIsIdempotent() {
        Random random = new Random(20261124);
        MutationEngine engine = new MutationEngine();
        int patched = 0;
        int denied = 0;
        int skipped = 0;
        for (int i = 0; i < 3_000; i++) {
            ObjectNode pod = Fixtures.sparkPod(FIXTURES.get(random.nextInt(FIXTURES.size())));
            if (random.nextBoolean()) {
                pod = Fixtures.withApiServerDefaults(pod);
            }
            mutate(pod, random);
            ClusterView cluster = CLUSTERS.get(random.nextInt(CLUSTERS.size()));
            String namespace = random.nextInt(5) == 0 ? "analytics-x" : "spark-team-a";
            Decision decision = engine.decide(pod.deepCopy(), namespace, Optional.of(POLICY), cluster);
            if (decision instanceof Decision.Patch patch) {
                patched++;
                JsonNode result = Fixtures.apply(patch.operations(), pod);
                assertThat(result).as("shape %d", i).isEqualTo(patch.mutatedPod());
                Fixtures.asPod(result);
                Decision again = engine.decide((ObjectNode) result, namespace, Optional.of(POLICY), cluster);
                assertThat(again).as("shape %d second pass", i).isInstanceOf(Decision.Patch.class);
                assertThat(((Decision.Patch) again).operations()).as("shape %d second pass", i).isEmpty();
            } else if (decision instanceof Decision.Deny) {
                denied++;
            } else {
                skipped++;
            }
        }
        System.out.printf("random pod shapes: %d patched, %d denied, %d skipped%n", patched, denied, skipped);
        assertThat(patched).isGreaterThan(1_000);
    }

    /**
     * Mutate then validate, in an s3jars namespace, on random shapes with hostile additions (host
     * paths to the buckets and to /proc, privileged and impostor containers, host namespaces):
     * injection never adds a violation, and no pod the guard allows reaches a bucket its namespace
     * and service account are not granted, through a hostPath or a privileged container.
     */
    @Test
    void mutateThenValidateNeverOpensABucketThatIsNotGranted() {
        Random random = new Random(20261130);
        MutationEngine engine = new MutationEngine();
        PodGuard guard = new PodGuard(engine);
        PolicyStore store = new PolicyStore();
        store.offer(Fixtures.resource("/policy/test-policy.yaml"), "test");
        int allowed = 0;
        int refused = 0;
        for (int i = 0; i < 3_000; i++) {
            ObjectNode pod = Fixtures.sparkPod(FIXTURES.get(random.nextInt(FIXTURES.size())));
            if (random.nextBoolean()) {
                pod = Fixtures.withApiServerDefaults(pod);
            }
            mutate(pod, random);
            hostile(pod, random);
            String namespace = List.of("spark-team-a", "spark-team-b", "analytics-x").get(random.nextInt(3));
            ClusterView cluster = enforcing(CLUSTERS.get(random.nextInt(CLUSTERS.size())));
            Decision asWritten = guard.check(pod, namespace, store.inForce(), cluster);
            Decision decision = engine.decide(pod.deepCopy(), namespace, store.snapshot(), cluster);
            ObjectNode admitted = decision instanceof Decision.Patch patch ? Defaulting.apply(patch.mutatedPod()) : pod;
            Decision verdict = guard.check(admitted, namespace, store.inForce(), cluster);
            if (decision instanceof Decision.Patch && asWritten instanceof Decision.Skip) {
                assertThat(verdict).as("shape %d: injection added a violation", i).isInstanceOf(Decision.Skip.class);
            }
            if (verdict instanceof Decision.Skip) {
                allowed++;
                String account = admitted.at("/spec/serviceAccountName").asText("default");
                assertThat(reachable(admitted, POLICY)).as("shape %d in %s", i, namespace)
                        .isSubsetOf(POLICY.allowedBuckets(namespace, account.isEmpty() ? "default" : account));
            } else {
                refused++;
            }
        }
        System.out.printf("mutate then validate: %d allowed, %d refused%n", allowed, refused);
        assertThat(allowed).isGreaterThan(300);
        assertThat(refused).isGreaterThan(300);
    }

    /** Buckets a pod can read: through a hostPath that overlaps a node mount, or a privileged container. */
    private static Set<String> reachable(ObjectNode pod, PolicySnapshot policy) {
        Set<String> buckets = new TreeSet<>();
        for (JsonNode volume : pod.path("spec").path("volumes")) {
            String path = volume.path("hostPath").path("path").asText(null);
            if (path != null) {
                String normalized = java.nio.file.Path.of(path).normalize().toString(); // independent of the guard's own
                for (Bucket bucket : policy.buckets().values()) {
                    String node = bucket.nodeMountPath();
                    if (normalized.equals(node) || normalized.startsWith(node + "/") || node.startsWith(normalized + "/")
                            || normalized.equals("/") || normalized.startsWith("/proc")) {
                        buckets.add(bucket.name());
                    }
                }
            }
        }
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode container : pod.path("spec").path(list)) {
                if (container.path("securityContext").path("privileged").asBoolean(false)) {
                    // An exact s3jars sidecar mounts the bucket it names; any other privileged container reaches all.
                    String bucket = container.path("args").path(0).asText("");
                    if (container.path("name").asText().startsWith("s3jars-mount-") && policy.bucket(bucket).isPresent()) {
                        buckets.add(bucket);
                    } else {
                        buckets.addAll(policy.buckets().keySet());
                    }
                }
            }
        }
        if (pod.path("spec").path("hostPID").asBoolean(false)) {
            buckets.addAll(policy.buckets().keySet());
        }
        return buckets;
    }

    private static void hostile(ObjectNode pod, Random random) {
        ObjectNode spec = (ObjectNode) pod.get("spec");
        if (spec.path("volumes").isNull()) {
            spec.remove("volumes");
        }
        if (random.nextInt(4) == 0) {
            String path = List.of("/mnt/s3", "/mnt/s3-team-b/jars", "/proc/1/root/mnt/s3", "/mnt", "/tmp",
                    "/var/lib/kubelet", "/mnt/shared-libs/../s3").get(random.nextInt(7));
            spec.withArray("volumes").addObject().put("name", "h" + random.nextInt(100)).putObject("hostPath")
                    .put("path", path);
        }
        if (random.nextInt(6) == 0) {
            spec.withArray("containers").addObject().put("name", "p" + random.nextInt(100)).put("image", "busybox")
                    .putObject("securityContext").put("privileged", true);
        }
        if (random.nextInt(6) == 0) {
            String bucket = List.of("spark-jars-bucket", "team-b-jars").get(random.nextInt(2));
            ObjectNode impostor = spec.withArray(random.nextBoolean() ? "initContainers" : "containers").addObject()
                    .put("name", "s3jars-mount-" + bucket).put("image", "registry.example.com/mount-s3:1.21.0");
            impostor.putArray("args").add(bucket);
            impostor.putObject("securityContext").put("privileged", true);
        }
        if (random.nextInt(8) == 0) {
            spec.put("hostPID", true);
        }
    }

    private static ClusterView enforcing(ClusterView nodes) {
        return Clusters.withGuardModes(nodes, namespace -> GuardMode.ENFORCE);
    }

    /**
     * Every node of the real pods, one at a time, swapped for a value of another JSON type: the
     * engine answers with a decision (a malformed pod is a 422), never an exception.
     */
    @Test
    void noNodeOfTheWrongTypeMakesTheEngineThrow() {
        MutationEngine engine = new MutationEngine();
        List<JsonNode> replacements = List.of(Fixtures.JSON.createArrayNode(), Fixtures.JSON.createObjectNode(),
                Fixtures.JSON.getNodeFactory().textNode("x"), Fixtures.JSON.getNodeFactory().numberNode(7),
                Fixtures.JSON.getNodeFactory().nullNode());
        int tried = 0;
        List<ObjectNode> originals = new java.util.ArrayList<>();
        for (String fixture : FIXTURES) {
            ObjectNode pod = withInitContainerAndAffinity(Fixtures.sparkPod(fixture));
            originals.add(pod);
            for (ClusterView cluster : CLUSTERS) {
                originals.add(((Decision.Patch) engine.decide(pod, "spark-team-a", Optional.of(POLICY), cluster))
                        .mutatedPod());
            }
        }
        for (ObjectNode original : originals) {
            String fixture = original.at("/metadata/name").asText() + " " + original.at("/spec/volumes").size();
            for (String pointer : pointers(original, "")) {
                for (JsonNode replacement : replacements) {
                    ObjectNode pod = original.deepCopy();
                    JsonNode parent = pod.at(pointer.substring(0, pointer.lastIndexOf('/')));
                    String last = pointer.substring(pointer.lastIndexOf('/') + 1);
                    if (parent instanceof ObjectNode object) {
                        object.set(last.replace("~1", "/").replace("~0", "~"), replacement);
                    } else {
                        ((ArrayNode) parent).set(Integer.parseInt(last), replacement);
                    }
                    for (ClusterView cluster : CLUSTERS) {
                        assertThat(engine.decide(pod, "spark-team-a", Optional.of(POLICY), cluster))
                                .as("%s %s = %s", fixture, pointer, replacement).isNotNull();
                        tried++;
                    }
                }
            }
        }
        System.out.println("reshaped nodes tried: " + tried);
    }

    /** A pod that reaches every path the steps walk: an affinity term and an init container. */
    private static ObjectNode withInitContainerAndAffinity(ObjectNode pod) {
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.withObject("affinity").withObject("nodeAffinity").withObject("requiredDuringSchedulingIgnoredDuringExecution")
                .putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").addObject().put("key", "zone")
                .put("operator", "In").putArray("values").add("a");
        spec.withArray("initContainers").addObject().put("name", "init").putArray("volumeMounts");
        return pod;
    }

    private static List<String> pointers(JsonNode node, String at) {
        List<String> pointers = new java.util.ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                String child = at + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
                pointers.add(child);
                pointers.addAll(pointers(f.getValue(), child));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pointers.add(at + "/" + i);
                pointers.addAll(pointers(node.get(i), at + "/" + i));
            }
        }
        return pointers;
    }

    private static void mutate(ObjectNode pod, Random random) {
        ObjectNode spec = (ObjectNode) pod.get("spec");
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        switch (random.nextInt(4)) {
            case 0 -> spec.remove("volumes");
            case 1 -> spec.putNull("volumes");
            default -> { }
        }
        if (random.nextInt(3) == 0) {
            ArrayNode containers = (ArrayNode) spec.get("containers");
            for (int n = random.nextInt(3); n > 0; n--) {
                ObjectNode extra = containers.addObject().put("name", "extra-" + n + "-" + random.nextInt(1000))
                        .put("image", "busybox");
                if (random.nextBoolean()) {
                    extra.putArray("volumeMounts");
                }
            }
        }
        if (random.nextInt(3) == 0) {
            ((ObjectNode) spec.get("containers").get(0)).put("name", "app-" + random.nextInt(100));
        }
        if (random.nextInt(3) == 0) {
            ArrayNode terms = spec.withObject("affinity").withObject("nodeAffinity")
                    .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
            for (int n = random.nextInt(3); n >= 0; n--) {
                ObjectNode term = terms.addObject();
                if (random.nextBoolean()) {
                    term.putArray("matchExpressions").addObject().put("key", "zone").put("operator", "In")
                            .putArray("values").add("a" + n);
                } else {
                    term.putArray("matchFields").addObject().put("key", "metadata.name").put("operator", "In")
                            .putArray("values").add("n" + n);
                }
            }
        } else if (random.nextInt(4) == 0) {
            spec.withObject("affinity").withObject("podAntiAffinity");
        }
        if (random.nextBoolean()) {
            metadata.remove("annotations");
        } else {
            metadata.withObject("annotations").put("a/b~c", "x");
        }
        ObjectNode labels = metadata.withObject("labels");
        switch (random.nextInt(6)) {
            case 0 -> {
                labels.remove("s3jars.io/bucket");
                metadata.withObject("annotations").put("s3jars.io/buckets", "spark-jars-bucket, shared.libs");
            }
            case 1 -> labels.remove("s3jars.io/bucket");
            case 2 -> metadata.withObject("annotations").put("s3jars.io/mode",
                    List.of("hostpath", "sidecar", "auto", "csi").get(random.nextInt(4)));
            default -> { }
        }
        if (random.nextInt(4) == 0) {
            metadata.remove("name");
            metadata.put("generateName", "spark-");
        }
        if (random.nextInt(5) == 0) {
            spec.remove("serviceAccountName");
            spec.remove("serviceAccount");
        }
    }
}
