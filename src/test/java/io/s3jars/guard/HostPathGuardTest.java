package io.s3jars.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.mutation.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPathGuardTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();

    @ParameterizedTest
    @ValueSource(strings = {"/mnt/s3", "/mnt/s3/", "//mnt//s3", "/mnt/./s3", "/mnt/x/../s3", "/mnt/s3/jars",
        "/mnt/s3/jars/../../s3", "/mnt", "/mnt/", "/", "/../../mnt/s3", "/var/../mnt/s3/."})
    void everySpellingOfTheNodeMountIsDeniedToANamespaceWithoutTheBucket(String path) {
        Optional<Decision.Deny> deny = HostPathGuard.check(podWithHostPath(path), "web", Optional.of(POLICY));
        assertThat(deny).as(path).isPresent();
        assertThat(deny.get().code()).isEqualTo(403);
        assertThat(deny.get().reason()).contains("namespace web").contains("node mount of bucket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mnt/s3x", "/mnt/s", "/var/log", "/mnt/data", "/data/mnt/s3"})
    void unrelatedHostPathsPass(String path) {
        assertThat(HostPathGuard.check(podWithHostPath(path), "web", Optional.of(POLICY))).as(path).isEmpty();
    }

    @Test
    void aNamespaceAllowedTheBucketMayMountItsNodePath() {
        assertThat(HostPathGuard.check(podWithHostPath("/mnt/s3"), "spark-team-a", Optional.of(POLICY))).isEmpty();
        assertThat(HostPathGuard.check(podWithHostPath("/mnt/s3"), "analytics-x", Optional.of(POLICY))).isEmpty();
    }

    @Test
    void aParentOfSeveralMountsNeedsEveryBucket() {
        // /mnt covers spark-jars-bucket (/mnt/s3), team-b-jars (/mnt/s3-team-b) and shared.libs (/mnt/shared-libs).
        Optional<Decision.Deny> deny = HostPathGuard.check(podWithHostPath("/mnt"), "spark-team-a", Optional.of(POLICY));
        assertThat(deny).isPresent();
        assertThat(deny.get().reason()).contains("bucket team-b-jars");
    }

    @Test
    void serviceAccountRestrictedBindingsApply() {
        ObjectNode pod = podWithHostPath("/mnt/s3-team-b");
        assertThat(HostPathGuard.check(pod, "spark-team-b", Optional.of(POLICY))).isPresent();
        pod.with("spec").put("serviceAccountName", "spark-b");
        assertThat(HostPathGuard.check(pod, "spark-team-b", Optional.of(POLICY))).isEmpty();
    }

    @Test
    void podsOfControllersAreCheckedLikeAnyPod() {
        ObjectNode pod = podWithHostPath("/mnt/s3");
        pod.with("metadata").withArray("ownerReferences").addObject().put("apiVersion", "batch/v1").put("kind", "Job")
                .put("name", "sneaky").put("controller", true);
        assertThat(HostPathGuard.check(pod, "web", Optional.of(POLICY))).isPresent();
    }

    @Test
    void withoutAPolicyTheDefaultMountIsProtected() {
        assertThat(HostPathGuard.check(podWithHostPath("/mnt/s3"), "spark-team-a", Optional.empty())).isPresent();
        assertThat(HostPathGuard.check(podWithHostPath("/var/log"), "spark-team-a", Optional.empty())).isEmpty();
    }

    @Test
    void podsInjectedByTheWebhookPassTheGuard() {
        ClusterView nodes = StaticClusterView.ofNodes(Nodes.readyNodes(1, Nodes.JARS_READY));
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(POLICY), nodes);
        ObjectNode injected = ((Decision.Patch) decision).mutatedPod();
        assertThat(injected.toString()).contains("\"hostPath\":{\"path\":\"/mnt/s3\"");
        assertThat(HostPathGuard.check(injected, "spark-team-a", Optional.of(POLICY))).isEmpty();
    }

    @Test
    void normalisation() {
        assertThat(HostPathGuard.normalize("//a/./b/../c/")).isEqualTo("/a/c");
        assertThat(HostPathGuard.normalize("/../..")).isEqualTo("/");
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
