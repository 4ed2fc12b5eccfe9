package io.s3jars.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.GoldenInjectionTest;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Clusters;
import io.s3jars.testing.Defaulting;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The guard in s3jars namespaces: what s3jars injected passes, exactly that and nothing more; each
 * way a tenant could reach a bucket or the node is refused, naming the control and the field.
 */
class PodGuardTest {

    private static final MutationEngine ENGINE = new MutationEngine();
    private static final PodGuard GUARD = new PodGuard(ENGINE);
    private static final PolicySnapshot POLICY = Fixtures.testPolicy();

    /**
     * Injection adds no violation: the guard's verdict on the injected pod is its verdict on the
     * pod as written (one real Spark pod template mounts its local dirs from the node, which
     * baseline refuses whether or not s3jars touched the pod).
     */
    @Test
    void everyPodS3jarsInjectsPassesWithOrWithoutApiServerDefaults() {
        int passed = 0;
        for (GoldenInjectionTest.Case c : GoldenInjectionTest.cases()) {
            if (ENGINE.decide(c.pod(), c.namespace(), Optional.of(c.policy()), c.cluster())
                    instanceof Decision.Patch patch) {
                ClusterView enforcing = inMode(c.cluster(), GuardMode.ENFORCE);
                Decision asWritten = GUARD.check(c.pod(), c.namespace(), inForce(c.policy()), enforcing);
                for (ObjectNode pod : List.of(patch.mutatedPod(), Defaulting.apply(patch.mutatedPod()))) {
                    Decision verdict = GUARD.check(pod, c.namespace(), inForce(c.policy()), enforcing);
                    assertThat(verdict).as(c.name()).isEqualTo(asWritten);
                    passed += verdict instanceof Decision.Skip ? 1 : 0;
                }
            }
        }
        assertThat(passed).isGreaterThan(20);
    }

    @Test
    void aCsiPodInARestrictedNamespaceIsPatchedAndPassesTheBaselineGuard() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("metadata")).withObject("annotations").put("s3jars.io/mode", "csi");
        ClusterView restricted = new io.s3jars.cluster.StaticClusterView(List.of(), Map.of("spark-team-a", "restricted"),
                Map.of("spark-team-a", GuardMode.ENFORCE));
        Decision decision = ENGINE.decide(pod, "spark-team-a", Optional.of(POLICY), restricted);
        assertThat(decision).isInstanceOf(Decision.Patch.class);
        ObjectNode injected = Defaulting.apply(((Decision.Patch) decision).mutatedPod());
        assertThat(injected.toString()).contains("\"persistentVolumeClaim\":{\"claimName\":\"s3jars-spark-jars-bucket\"");
        assertThat(GUARD.check(injected, "spark-team-a", inForce(POLICY), restricted)).isInstanceOf(Decision.Skip.class);
        // The claim is s3jars' own only as injected: pointed at another claim, it is an impostor.
        ((ObjectNode) injected.at("/spec/volumes").findParent("claimName")).put("claimName", "team-b-claim");
        Decision impostor = GUARD.check(injected, "spark-team-a", inForce(POLICY), restricted);
        assertThat(impostor).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) impostor).reason()).contains("persistentVolumeClaim.claimName differs");
    }

    @Test
    void changingAnyOneFieldOfTheSidecarMakesItAnImpostor() {
        ObjectNode injected = Defaulting.apply(inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "sidecar"));
        JsonNode sidecar = injected.at("/spec/initContainers/0");
        assertThat(sidecar.path("name").asText()).startsWith("s3jars-mount-");
        List<String> fields = new ArrayList<>();
        leaves(sidecar, "", fields);
        assertThat(fields).hasSizeGreaterThan(15);
        for (String field : fields) {
            ObjectNode pod = injected.deepCopy();
            change((ObjectNode) pod.at("/spec/initContainers/0"), field);
            Decision verdict = check(pod, "spark-team-a");
            assertThat(verdict).as(field).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) verdict).reason()).as(field).contains("s3jarsInjection (container \"s3jars-mount-");
        }
        for (String extra : List.of("env", "envFrom", "lifecycle", "workingDir", "stdin")) {
            ObjectNode pod = injected.deepCopy();
            ObjectNode container = (ObjectNode) pod.at("/spec/initContainers/0");
            switch (extra) {
                case "env" -> container.putArray("env").addObject().put("name", "AWS_ENDPOINT_URL").put("value", "http://evil");
                case "envFrom" -> container.putArray("envFrom").addObject().putObject("secretRef").put("name", "aws");
                case "lifecycle" -> container.putObject("lifecycle").putObject("preStop").putObject("exec")
                        .putArray("command").add("sh");
                case "stdin" -> container.put("stdin", true);
                default -> container.put(extra, "/tmp");
            }
            Decision verdict = check(pod, "spark-team-a");
            assertThat(verdict).as(extra).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) verdict).reason()).as(extra).contains(extra + " differs");
        }
    }

    /** The EKS identity webhook gives every container the pod's role; the sidecar needs it and stays s3jars'. */
    @Test
    void whatTheEksIdentityWebhookAddsToTheSidecarIsTolerated() {
        ObjectNode pod = Defaulting.apply(inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "sidecar"));
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.withArray("volumes").addObject().put("name", "aws-iam-token").putObject("projected").putArray("sources")
                .addObject().putObject("serviceAccountToken").put("audience", "sts.amazonaws.com").put("path", "token");
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode container : spec.path(list)) {
                ArrayNode env = ((ObjectNode) container).withArray("env");
                env.addObject().put("name", "AWS_ROLE_ARN").put("value", "arn:aws:iam::111122223333:role/spark");
                env.addObject().put("name", "AWS_WEB_IDENTITY_TOKEN_FILE")
                        .put("value", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
                ((ObjectNode) container).withArray("volumeMounts").addObject().put("name", "aws-iam-token")
                        .put("mountPath", "/var/run/secrets/eks.amazonaws.com/serviceaccount").put("readOnly", true);
            }
        }
        assertThat(check(pod, "spark-team-a")).isInstanceOf(Decision.Skip.class);
        ObjectNode redirected = pod.deepCopy();
        ((ArrayNode) redirected.at("/spec/initContainers/0/env")).addObject()
                .put("name", "AWS_CONTAINER_CREDENTIALS_FULL_URI").put("value", "https://attacker.example.com/creds");
        assertThat(check(redirected, "spark-team-a")).as("credentials from elsewhere").isInstanceOf(Decision.Deny.class);
        ((ArrayNode) pod.at("/spec/initContainers/0/env")).addObject().put("name", "AWS_ENDPOINT_URL").put("value", "x");
        assertThat(check(pod, "spark-team-a")).isInstanceOf(Decision.Deny.class);
    }

    /**
     * A classic sidecar that would be the pod's only regular container is the container an exec
     * without a container name enters: never exempt.
     */
    @Test
    void aSidecarThatWouldBeThePodsOnlyContainerIsNotExempt() {
        PolicySnapshot classic = Fixtures.policy("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: sidecar, sidecar: {image: registry.example.com/mount-s3:1.21.0, nativeSidecar: false}}
                buckets: [{name: spark-jars-bucket}]
                bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
                """);
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("spec")).putArray("containers");
        Decision decision = ENGINE.decide(pod, "spark-team-a", Optional.of(classic), nodes());
        ObjectNode injected = ((Decision.Patch) decision).mutatedPod();
        assertThat(injected.at("/spec/containers")).hasSize(1);
        Decision verdict = GUARD.check(injected, "spark-team-a", inForce(classic), inMode(nodes(), null));
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("no container of its own").contains("privileged");
    }

    @Test
    void anImpostorSidecarDeclaredByThePodIsNeverKept() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("metadata")).withObject("annotations").put("s3jars.io/mode", "sidecar");
        ObjectNode injected = inject(pod, "sidecar");
        ObjectNode impostor = (ObjectNode) injected.at("/spec/initContainers/0");
        impostor.putArray("env").addObject().put("name", "AWS_PROFILE").put("value", "admin");
        // Mutate again: the engine keeps what it finds, so only the guard can catch it.
        Decision again = ENGINE.decide(injected, "spark-team-a", Optional.of(POLICY), nodes());
        ObjectNode admitted = again instanceof Decision.Patch patch ? patch.mutatedPod() : injected;
        Decision verdict = check(admitted, "spark-team-a");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("env differs")
                .contains("privileged (container \"s3jars-mount-spark-jars-bucket\" must not set securityContext.privileged=true)");
    }

    @Test
    void aHostPathVolumeWithAnS3jarsNameThatPointsElsewhereIsRefused() {
        ObjectNode pod = inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "hostpath");
        for (JsonNode volume : pod.at("/spec/volumes")) {
            if (volume.path("name").asText().startsWith("s3jars-")) {
                ((ObjectNode) volume.get("hostPath")).put("path", "/");
            }
        }
        Decision verdict = check(pod, "spark-team-a");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("hostPath.path differs").contains("hostPath volumes");
    }

    @Test
    void theSparkContainersMayOnlyReadTheBucket() {
        ObjectNode pod = inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "hostpath");
        for (JsonNode mount : pod.at("/spec/containers/0/volumeMounts")) {
            if (mount.path("name").asText().startsWith("s3jars-")) {
                ((ObjectNode) mount).put("readOnly", false);
            }
        }
        Decision verdict = check(pod, "spark-team-a");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("with readOnly=true");
    }

    @Test
    void aPodNotGrantedTheBucketGetsNoCarveOut() {
        ObjectNode pod = inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "hostpath");
        Decision verdict = check(pod, "spark-team-b");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("hostPath volumes").contains("nodeMountPaths");
    }

    @Test
    void aPrivilegedPodWithTheHostsPidNamespaceAndNoVolumesIsRefused() {
        ObjectNode pod = Fixtures.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "nsenter");
        ObjectNode spec = pod.putObject("spec").put("hostPID", true);
        spec.putArray("containers").addObject().put("name", "shell").put("image", "busybox")
                .putObject("securityContext").put("privileged", true);
        Decision verdict = check(pod, "spark-team-a");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("host namespaces (hostPID)")
                .contains("privileged (container \"shell\" must not set securityContext.privileged=true)");
    }

    @Test
    void aDebugContainerAddedToARunningPodIsJudgedLikeAnyOther() {
        ObjectNode pod = inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "hostpath");
        pod.with("spec").putArray("ephemeralContainers").addObject().put("name", "debugger").put("image", "busybox")
                .putObject("securityContext").put("privileged", true);
        Decision verdict = check(pod, "spark-team-a");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("container \"debugger\" must not set");
        // Even with an s3jars name: s3jars never injects an ephemeral container.
        ((ObjectNode) pod.at("/spec/ephemeralContainers/0")).put("name", "s3jars-mount-spark-jars-bucket");
        assertThat(check(pod, "spark-team-a")).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void warnModeAllowsWithEveryViolationAsAWarningButStillGuardsTheNodeMounts() {
        ObjectNode privileged = Fixtures.JSON.createObjectNode();
        privileged.putObject("metadata").put("name", "p");
        privileged.putObject("spec").putArray("containers").addObject().put("name", "c")
                .putObject("securityContext").put("privileged", true);
        Decision verdict = check(privileged, "rollout");
        assertThat(verdict).isInstanceOf(Decision.Skip.class);
        assertThat(((Decision.Skip) verdict).warnings()).singleElement().asString().contains("privileged");
        assertThat(check(Fixtures.podWithHostPath("/mnt/s3"), "rollout")).isInstanceOf(Decision.Deny.class);
        assertThat(check(privileged, "legacy")).isInstanceOf(Decision.Skip.class);
    }

    @Test
    void thePolicysAllowedHostPathsAreTheOneWideningOfBaseline() {
        PolicySnapshot policy = Fixtures.policy(Fixtures.resource("/policy/test-policy.yaml") + """
                guard:
                  allowedHostPaths:
                    - {pathPrefix: /local1}
                    - {pathPrefix: /opt/models, readOnly: true}
                """);
        ObjectNode pod = Fixtures.podWithHostPath("/local1/spark");
        assertThat(GUARD.check(pod, "spark-team-a", inForce(policy), inMode(nodes(), null)))
                .isInstanceOf(Decision.Skip.class);
        ObjectNode sibling = Fixtures.podWithHostPath("/local10");
        assertThat(GUARD.check(sibling, "spark-team-a", inForce(policy), inMode(nodes(), null)))
                .isInstanceOf(Decision.Deny.class);
        ObjectNode models = Fixtures.podWithHostPath("/opt/models/bert");
        ((ObjectNode) models.at("/spec/containers/0")).putArray("volumeMounts").addObject().put("name", "host")
                .put("mountPath", "/models");
        Decision writable = GUARD.check(models, "spark-team-a", inForce(policy), inMode(nodes(), null));
        assertThat(writable).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) writable).reason()).contains("hostPath volumes (volume \"host\")");
        ((ObjectNode) models.at("/spec/containers/0/volumeMounts/0")).put("readOnly", true);
        assertThat(GUARD.check(models, "spark-team-a", inForce(policy), inMode(nodes(), null)))
                .isInstanceOf(Decision.Skip.class);
    }

    @Test
    void withBaselineSwitchedOffS3jarsNamespacesKeepTheCarveOutAndThePathControl() {
        PodGuard pathsOnly = new PodGuard(ENGINE, false);
        ObjectNode privileged = Fixtures.JSON.createObjectNode();
        privileged.putObject("metadata").put("name", "p");
        privileged.putObject("spec").putArray("containers").addObject().put("name", "c")
                .putObject("securityContext").put("privileged", true);
        assertThat(pathsOnly.check(privileged, "spark-team-a", inForce(POLICY), inMode(nodes(), null)))
                .isInstanceOf(Decision.Skip.class);
        ObjectNode injected = inject(Fixtures.sparkPod(Fixtures.EXECUTOR), "hostpath");
        assertThat(pathsOnly.check(injected, "spark-team-a", inForce(POLICY), inMode(nodes(), null)))
                .isInstanceOf(Decision.Skip.class);
        assertThat(pathsOnly.check(Fixtures.podWithHostPath("/proc/1/root"), "spark-team-a", inForce(POLICY),
                inMode(nodes(), null))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void aMalformedPodIsRefusedNotSkipped() {
        ObjectNode pod = Fixtures.JSON.createObjectNode();
        pod.putObject("metadata").put("name", "p");
        pod.putObject("spec").putObject("volumes").put("name", "x");
        Decision verdict = check(pod, "spark-team-a");
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).code()).isEqualTo(422);
        ObjectNode numeric = Fixtures.podWithHostPath("/x");
        ((ObjectNode) numeric.at("/spec/volumes/0/hostPath")).put("path", 5);
        assertThat(check(numeric, "web")).isInstanceOf(Decision.Deny.class);
    }

    private static Decision check(ObjectNode pod, String namespace) {
        return GUARD.check(pod, namespace, inForce(POLICY), inMode(nodes(), null));
    }

    private static ObjectNode inject(ObjectNode pod, String mode) {
        ((ObjectNode) pod.get("metadata")).withObject("annotations").put("s3jars.io/mode", mode);
        Decision decision = ENGINE.decide(pod, "spark-team-a", Optional.of(POLICY), nodes());
        assertThat(decision).isInstanceOf(Decision.Patch.class);
        return ((Decision.Patch) decision).mutatedPod();
    }

    private static ClusterView nodes() {
        return new io.s3jars.cluster.StaticClusterView(Nodes.readyNodes(2, Nodes.JARS_READY), Map.of());
    }

    static PolicyStore.InForce inForce(PolicySnapshot policy) {
        TreeSet<String> paths = new TreeSet<>(policy.nodeMountPaths());
        paths.add(Bucket.DEFAULT_NODE_MOUNT_PATH);
        return new PolicyStore.InForce(Optional.of(new PolicyStore.Loaded(policy, 1, "test", Instant.now())),
                Collections.unmodifiableSortedSet(paths));
    }

    /** The nodes of {@code view}, with the namespaces' guard modes of these tests ({@code fixed} for every namespace if set). */
    static ClusterView inMode(ClusterView view, GuardMode fixed) {
        Map<String, GuardMode> modes = Map.of("spark-team-a", GuardMode.ENFORCE, "spark-team-b", GuardMode.ENFORCE,
                "rollout", GuardMode.WARN, "legacy", GuardMode.EXEMPT);
        return Clusters.withGuardModes(view, namespace -> fixed != null ? fixed
                : modes.getOrDefault(namespace, GuardMode.PATHS_ONLY));
    }

    /** Every leaf field of a container, as a path of object keys and array indexes. */
    private static void leaves(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                leaves(field.getValue(), path + "/" + field.getKey(), out);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), path + "/" + i, out);
            }
        } else if (!path.equals("/name")) {
            out.add(path);
        }
    }

    private static void change(ObjectNode container, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = container.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        JsonNode old = container.at(pointer);
        JsonNode changed = old.isTextual() ? TextNode.valueOf(old.asText() + "x") : old.isBoolean()
                ? com.fasterxml.jackson.databind.node.BooleanNode.valueOf(!old.asBoolean())
                : old.isNumber() ? IntNode.valueOf(old.asInt() + 7) : TextNode.valueOf("x");
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), changed);
        } else {
            ((ObjectNode) parent).set(last, changed);
        }
    }
}
