package io.s3jars.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPathGuardTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();

    @ParameterizedTest
    @ValueSource(strings = {"/mnt/s3", "/mnt/s3/", "//mnt//s3", "/mnt/./s3", "/mnt/x/../s3", "/mnt/s3/jars",
        "/mnt/s3/jars/../../s3", "/mnt", "/mnt/", "/", "/../../mnt/s3", "/var/../mnt/s3/."})
    void everySpellingOfTheNodeMountIsDeniedToANamespaceWithoutTheBucket(String path) {
        Optional<Decision.Deny> deny = check(podWithHostPath(path), "web", Optional.of(POLICY));
        assertThat(deny).as(path).isPresent();
        assertThat(deny.get().code()).isEqualTo(403);
        assertThat(deny.get().reason()).contains("namespace web").contains("node mount of bucket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mnt/s3x", "/mnt/s", "/var/log", "/mnt/data", "/data/mnt/s3"})
    void unrelatedHostPathsPass(String path) {
        assertThat(check(podWithHostPath(path), "web", Optional.of(POLICY))).as(path).isEmpty();
    }

    @Test
    void aNamespaceAllowedTheBucketMayMountItsNodePath() {
        assertThat(check(podWithHostPath("/mnt/s3"), "spark-team-a", Optional.of(POLICY))).isEmpty();
        assertThat(check(podWithHostPath("/mnt/s3"), "analytics-x", Optional.of(POLICY))).isEmpty();
    }

    @Test
    void aParentOfSeveralMountsNeedsEveryBucket() {
        // /mnt covers spark-jars-bucket (/mnt/s3), team-b-jars (/mnt/s3-team-b) and shared.libs (/mnt/shared-libs).
        Optional<Decision.Deny> deny = check(podWithHostPath("/mnt"), "spark-team-a", Optional.of(POLICY));
        assertThat(deny).isPresent();
        assertThat(deny.get().reason()).contains("bucket team-b-jars");
    }

    @Test
    void serviceAccountRestrictedBindingsApply() {
        ObjectNode pod = podWithHostPath("/mnt/s3-team-b");
        assertThat(check(pod, "spark-team-b", Optional.of(POLICY))).isPresent();
        pod.with("spec").put("serviceAccountName", "spark-b");
        assertThat(check(pod, "spark-team-b", Optional.of(POLICY))).isEmpty();
    }

    @Test
    void podsOfControllersAreCheckedLikeAnyPod() {
        ObjectNode pod = podWithHostPath("/mnt/s3");
        pod.with("metadata").withArray("ownerReferences").addObject().put("apiVersion", "batch/v1").put("kind", "Job")
                .put("name", "sneaky").put("controller", true);
        assertThat(check(pod, "web", Optional.of(POLICY))).isPresent();
    }

    @Test
    void withoutAPolicyTheDefaultMountIsProtected() {
        assertThat(check(podWithHostPath("/mnt/s3"), "spark-team-a", Optional.empty())).isPresent();
        assertThat(check(podWithHostPath("/var/log"), "spark-team-a", Optional.empty())).isEmpty();
    }

    @Test
    void podsInjectedByTheWebhookPassTheGuard() {
        ClusterView nodes = StaticClusterView.ofNodes(Nodes.readyNodes(1, Nodes.JARS_READY));
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(POLICY), nodes);
        ObjectNode injected = ((Decision.Patch) decision).mutatedPod();
        assertThat(injected.toString()).contains("\"hostPath\":{\"path\":\"/mnt/s3\"");
        assertThat(check(injected, "spark-team-a", Optional.of(POLICY))).isEmpty();
    }

    @Test
    void aBucketRemovedFromThePolicyStaysProtectedForEveryNamespace() {
        PolicyStore store = new PolicyStore();
        store.offer(Fixtures.resource("/policy/test-policy.yaml"), "first");
        assertThat(check(podWithHostPath("/mnt/shared-libs"), "spark-team-a", store)).isEmpty();
        store.offer(Fixtures.resource("/policy/test-policy.yaml").replace("  - name: shared.libs\n"
                + "    nodeMountPath: /mnt/shared-libs\n", "").replace("[spark-jars-bucket, shared.libs]",
                "[spark-jars-bucket]"), "shared.libs removed");
        assertThat(store.snapshot().orElseThrow().bucket("shared.libs")).isEmpty();

        for (String path : List.of("/mnt/shared-libs", "/mnt/shared-libs/jars", "//mnt/./shared-libs/", "/mnt", "/")) {
            for (String namespace : List.of("spark-team-a", "web")) {
                Optional<Decision.Deny> deny = check(podWithHostPath(path), namespace, store);
                assertThat(deny).as(path + " in " + namespace).isPresent();
                if (path.contains("shared-libs")) {
                    assertThat(deny.get().reason()).as(path).contains("no bucket of the policy in force uses");
                }
            }
        }
        assertThat(check(podWithHostPath("/mnt/s3"), "spark-team-a", store)).isEmpty();
    }

    @Test
    void aMovedNodeMountPathKeepsTheOldOneProtected() {
        PolicyStore store = new PolicyStore();
        String policy = Fixtures.resource("/policy/test-policy.yaml");
        store.offer(policy, "first");
        store.offer(policy.replace("nodeMountPath: /mnt/s3-team-b", "nodeMountPath: /mnt/team-b"), "moved");
        ObjectNode moved = podWithHostPath("/mnt/team-b");
        moved.with("spec").put("serviceAccountName", "spark-b");
        assertThat(check(moved, "spark-team-b", store)).isEmpty();
        ObjectNode old = podWithHostPath("/mnt/s3-team-b");
        old.with("spec").put("serviceAccountName", "spark-b");
        assertThat(check(old, "spark-team-b", store)).isPresent();

        // Back in a policy, the path is governed by that policy's bindings again.
        store.offer(policy, "moved back");
        assertThat(check(old, "spark-team-b", store)).isEmpty();
        assertThat(check(moved, "spark-team-b", store)).isPresent();
    }

    @Test
    void theDefaultMountStaysProtectedWhileBucketsInForceBelowItKeepWorking() {
        PolicyStore store = new PolicyStore();
        store.offer("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets:
                  - name: spark-jars-bucket
                    nodeMountPath: /mnt/s3/spark-jars-bucket
                  - name: other-bucket
                    nodeMountPath: /mnt/s3/other-bucket
                bindings:
                  - namespaces: [spark-team-a]
                    buckets: [spark-jars-bucket]
                """, "per-bucket folders");
        assertThat(store.lastRejection()).isEmpty();
        assertThat(check(podWithHostPath("/mnt/s3/spark-jars-bucket"), "spark-team-a", store)).isEmpty();
        assertThat(check(podWithHostPath("/mnt/s3/spark-jars-bucket/jars"), "spark-team-a", store)).isEmpty();
        for (String path : List.of("/mnt/s3", "/mnt/s3/unmanaged", "/mnt/s3/other-bucket", "/mnt")) {
            assertThat(check(podWithHostPath(path), "spark-team-a", store)).as(path).isPresent();
        }
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                store.snapshot(), ClusterView.EMPTY);
        ObjectNode injected = ((Decision.Patch) decision).mutatedPod();
        assertThat(injected.toString()).contains("\"path\":\"/mnt/s3/spark-jars-bucket\"");
        assertThat(check(injected, "spark-team-a", store)).isEmpty();
    }

    @Test
    void normalisation() {
        assertThat(HostPathGuard.normalize("//a/./b/../c/")).isEqualTo("/a/c");
        assertThat(HostPathGuard.normalize("/../..")).isEqualTo("/");
    }

    /** As {@code /validate} calls it with the store of a webhook that has loaded only {@code policy}. */
    private static Optional<Decision.Deny> check(ObjectNode pod, String namespace, Optional<PolicySnapshot> policy) {
        PolicyStore store = new PolicyStore();
        SortedSet<String> paths = new TreeSet<>(store.nodeMountPathsSinceStart());
        policy.ifPresent(p -> paths.addAll(p.nodeMountPaths()));
        return HostPathGuard.check(pod, namespace, policy, paths);
    }

    private static Optional<Decision.Deny> check(ObjectNode pod, String namespace, PolicyStore store) {
        return HostPathGuard.check(pod, namespace, store.snapshot(), store.nodeMountPathsSinceStart());
    }

    static ObjectNode podWithHostPath(String path) {
        ObjectNode pod = Fixtures.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "p");
        ObjectNode spec = pod.putObject("spec");
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        spec.putArray("volumes").addObject().put("name", "host").putObject("hostPath").put("path", path);
        return pod;
    }
}
