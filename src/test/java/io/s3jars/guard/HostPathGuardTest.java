package io.s3jars.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The node mount path control, in namespaces that are not s3jars': every spelling, every namespace. */
class HostPathGuardTest {

    private static final String POLICY = Fixtures.resource("/policy/test-policy.yaml");
    private static final ClusterView CLUSTER = new StaticClusterView(Nodes.readyNodes(1, Nodes.JARS_READY), Map.of(),
            Map.of("spark-team-a", GuardMode.ENFORCE, "monitoring", GuardMode.EXEMPT));

    @ParameterizedTest
    @ValueSource(strings = {"/mnt/s3", "/mnt/s3/", "//mnt//s3", "/mnt/./s3", "/mnt/x/../s3", "/mnt/s3/jars",
        "/mnt/s3/jars/../../s3", "/mnt", "/mnt/", "/", "/../../mnt/s3", "/var/../mnt/s3/."})
    void everySpellingOfTheNodeMountIsDenied(String path) {
        Decision decision = check(Fixtures.podWithHostPath(path), "web", store(POLICY));
        assertThat(decision).as(path).isInstanceOf(Decision.Deny.class);
        Decision.Deny deny = (Decision.Deny) decision;
        assertThat(deny.code()).isEqualTo(403);
        assertThat(deny.reason()).contains("namespace web").contains("nodeMountPaths (volume \"host\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/proc/1/root/mnt/s3", "/proc/self/root", "/proc", "//proc/./1/root", "/proc/1/root",
        "/var/lib/kubelet", "/var/lib/kubelet/pods", "/var/lib", "/var"})
    void theNodesOtherNamesForTheBucketsAreDenied(String path) {
        Decision decision = check(Fixtures.podWithHostPath(path), "web", store(POLICY));
        assertThat(decision).as(path).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).reason()).containsAnyOf("reaches /proc", "reaches /var/lib/kubelet");
    }

    @Test
    void trustedNodeAgentsInExemptNamespacesMayReadProcButNotTheBuckets() {
        assertThat(check(Fixtures.podWithHostPath("/proc"), "monitoring", store(POLICY))).isInstanceOf(Decision.Skip.class);
        assertThat(check(Fixtures.podWithHostPath("/mnt/s3"), "monitoring", store(POLICY))).isInstanceOf(Decision.Deny.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mnt/s3x", "/mnt/s", "/var/log", "/mnt/data", "/data/mnt/s3", "/procfs", "/var/lib/kubelets"})
    void unrelatedHostPathsPass(String path) {
        assertThat(check(Fixtures.podWithHostPath(path), "web", store(POLICY))).as(path).isInstanceOf(Decision.Skip.class);
    }

    @Test
    void aNamespaceGrantedTheBucketMustStillUseInjectionNotItsOwnHostPath() {
        for (String namespace : List.of("spark-team-b", "analytics-x")) {
            ObjectNode pod = Fixtures.podWithHostPath("/mnt/s3-team-b");
            pod.with("spec").put("serviceAccountName", "spark-b");
            assertThat(check(pod, namespace, store(POLICY))).as(namespace).isInstanceOf(Decision.Deny.class);
        }
    }

    @Test
    void podsOfControllersAreCheckedLikeAnyPod() {
        ObjectNode pod = Fixtures.podWithHostPath("/mnt/s3");
        pod.with("metadata").withArray("ownerReferences").addObject().put("apiVersion", "batch/v1").put("kind", "Job")
                .put("name", "sneaky").put("controller", true);
        assertThat(check(pod, "web", store(POLICY))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void withoutAPolicyTheDefaultMountIsProtected() {
        assertThat(check(Fixtures.podWithHostPath("/mnt/s3"), "web", new PolicyStore())).isInstanceOf(Decision.Deny.class);
        assertThat(check(Fixtures.podWithHostPath("/var/log"), "web", new PolicyStore())).isInstanceOf(Decision.Skip.class);
    }

    @Test
    void podsInjectedByTheWebhookPassTheGuardInTheirNamespace() {
        PolicyStore store = store(POLICY);
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                store.snapshot(), CLUSTER);
        ObjectNode injected = ((Decision.Patch) decision).mutatedPod();
        assertThat(injected.toString()).contains("\"hostPath\":{\"path\":\"/mnt/s3\"");
        assertThat(check(injected, "spark-team-a", store)).isInstanceOf(Decision.Skip.class);
        // The same pod where injection does not happen is refused: the carve-out is for s3jars namespaces.
        assertThat(check(injected, "web", store)).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void aBucketRemovedFromThePolicyStaysProtected() {
        PolicyStore store = store(POLICY);
        store.offer(POLICY.replace("  - name: shared.libs\n    nodeMountPath: /mnt/shared-libs\n", "")
                .replace("[spark-jars-bucket, shared.libs]", "[spark-jars-bucket]"), "shared.libs removed");
        assertThat(store.snapshot().orElseThrow().bucket("shared.libs")).isEmpty();
        for (String path : List.of("/mnt/shared-libs", "/mnt/shared-libs/jars", "//mnt/./shared-libs/", "/mnt", "/")) {
            Decision decision = check(Fixtures.podWithHostPath(path), "web", store);
            assertThat(decision).as(path).isInstanceOf(Decision.Deny.class);
            if (path.contains("shared-libs")) {
                assertThat(((Decision.Deny) decision).reason()).as(path).contains("an earlier policy or the default");
            }
        }
    }

    @Test
    void normalisation() {
        assertThat(HostPathGuard.normalize("//a/./b/../c/")).isEqualTo("/a/c");
        assertThat(HostPathGuard.normalize("/../..")).isEqualTo("/");
    }

    private static PolicyStore store(String policy) {
        PolicyStore store = new PolicyStore();
        store.offer(policy, "test");
        return store;
    }

    private static Decision check(ObjectNode pod, String namespace, PolicyStore store) {
        return new PodGuard(new MutationEngine()).check(pod, namespace, store.inForce(), CLUSTER);
    }

}
