package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.s3jars.cluster.ClaimPresence;
import io.s3jars.deploy.ChartRbac;
import io.s3jars.policy.PolicyStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * csi mode's volumes and claims against a mock API server in CRUD mode: created for a binding,
 * deleted with it, following glob bindings to namespaces created later, put back after a hand
 * edit, and written by the Lease holder only.
 */
@EnableKubernetesMockClient(crud = true)
class CsiVolumeControllerTest {

    private static final String NAMESPACE = "s3jars-system";
    private static final Duration WITHIN = Duration.ofSeconds(5);
    private static final String VOLUME = "s3jars-spark-team-a-spark-jars-bucket";
    private static final String CLAIM = "s3jars-spark-jars-bucket";

    /** The controller's requests carry this User-Agent; the test's own set up and read the cluster. */
    private static final String CONTROLLER = "s3jars-csi-volume-controller-under-test";
    private static final ChartRbac CHART_RBAC = ChartRbac.rendered(Map.of());

    KubernetesClient client;
    KubernetesMockServer server;
    private final List<CsiVolumeController> controllers = new ArrayList<>();
    private final List<KubernetesClient> controllerClients = new ArrayList<>();

    /** Every call the controller made in the test is one the chart's RBAC grants. */
    @AfterEach
    void stopAndCheckEveryCallAgainstTheChartsRbac() throws InterruptedException {
        controllers.forEach(CsiVolumeController::close);
        controllerClients.forEach(KubernetesClient::close);
        List<String> refused = new ArrayList<>();
        int calls = 0;
        for (RecordedRequest request = server.takeRequest(10, TimeUnit.MILLISECONDS); request != null;
                request = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
            if (CONTROLLER.equals(request.getHeader("User-Agent"))) {
                calls++;
                CHART_RBAC.refusal(request.getMethod(), request.getPath()).ifPresent(refused::add);
            }
        }
        assertThat(calls).as("calls made by the controller").isPositive();
        assertThat(refused).as("calls the API server would refuse with 403").isEmpty();
    }

    static String policy(String bindings) {
        return """
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults:
                  mode: csi
                  allowModeOverride: false
                buckets:
                  - name: spark-jars-bucket
                    region: us-west-2
                    prefix: jars/
                    csi: {}
                  - name: named-claim-bucket
                    nodeMountPath: /mnt/named
                    csi: {claimName: made-by-hand}
                bindings:
                """ + bindings;
    }

    private static final String TEAM_A = policy("""
              - namespaces: [spark-team-a]
                buckets: [spark-jars-bucket, named-claim-bucket]
            """);

    @Test
    void aBindingGetsItsVolumeAndClaimAndLosesThemWithTheBinding() {
        namespace("spark-team-a");
        PolicyStore store = store(TEAM_A);
        controller(store, "a");

        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && claim("spark-team-a", CLAIM) != null);
        PersistentVolume volume = volume(VOLUME);
        assertThat(volume.getSpec().getCsi().getDriver()).isEqualTo("s3.csi.aws.com");
        assertThat(volume.getSpec().getCsi().getVolumeHandle()).isEqualTo("s3jars.spark-team-a.spark-jars-bucket");
        assertThat(volume.getSpec().getCsi().getVolumeAttributes()).containsEntry("bucketName", "spark-jars-bucket")
                .containsEntry("cache", "emptyDir").containsEntry("cacheEmptyDirSizeLimit", "1024Mi");
        assertThat(volume.getSpec().getMountOptions()).containsExactly("read-only", "allow-other",
                "metadata-ttl indefinite", "uid=185", "gid=185", "region us-west-2", "prefix jars/");
        assertThat(volume.getSpec().getClaimRef().getNamespace()).isEqualTo("spark-team-a");
        assertThat(volume.getSpec().getClaimRef().getName()).isEqualTo(CLAIM);
        assertThat(volume.getSpec().getAccessModes()).containsExactly("ReadOnlyMany");
        assertThat(volume.getSpec().getStorageClassName()).isEmpty();
        assertThat(volume.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Retain");
        PersistentVolumeClaim claim = claim("spark-team-a", CLAIM);
        assertThat(claim.getSpec().getVolumeName()).isEqualTo(VOLUME);
        assertThat(claim.getSpec().getStorageClassName()).isEmpty();
        assertThat(claim.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "s3jars");
        // The bucket whose policy entry names its claim is the platform team's: nothing is made for it.
        assertThat(claim("spark-team-a", "made-by-hand")).isNull();
        assertThat(client.persistentVolumes().list().getItems()).hasSize(1);
        await().atMost(WITHIN).until(() -> client.v1().events().inNamespace("spark-team-a").list().getItems().stream()
                .anyMatch(e -> e.getReason().equals("Created") && e.getInvolvedObject().getName().equals(CLAIM)));
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anyMatch(e -> e.getReason().equals("Created") && e.getInvolvedObject().getName().equals(VOLUME));

        store.offer(policy("""
                  - namespaces: [spark-team-b]
                    buckets: [spark-jars-bucket]
                """), "test");
        await().atMost(WITHIN).until(() -> volume(VOLUME) == null && claim("spark-team-a", CLAIM) == null);
    }

    @Test
    void aGlobBindingCoversANamespaceCreatedLater() {
        PolicyStore store = store(policy("""
                  - namespaces: ["analytics-*"]
                    buckets: [spark-jars-bucket]
                """));
        CsiVolumeController controller = controller(store, "a");
        await().atMost(WITHIN).until(controller::leading);

        namespace("analytics-eu");
        await().atMost(WITHIN).until(() -> volume("s3jars-analytics-eu-spark-jars-bucket") != null
                && claim("analytics-eu", CLAIM) != null);

        client.namespaces().withName("analytics-eu").delete();
        await().atMost(WITHIN).until(() -> volume("s3jars-analytics-eu-spark-jars-bucket") == null);
    }

    @Test
    void aHandEditedVolumeOrClaimIsPutBack() {
        namespace("spark-team-a");
        controller(store(TEAM_A), "a");
        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && claim("spark-team-a", CLAIM) != null);

        client.persistentVolumes().resource(new PersistentVolumeBuilder(volume(VOLUME)).editSpec()
                .withMountOptions("allow-delete", "allow-other").editClaimRef().withNamespace("spark-team-b").endClaimRef()
                .endSpec().build()).update();
        await().atMost(WITHIN).until(() -> volume(VOLUME).getSpec().getMountOptions().contains("read-only")
                && volume(VOLUME).getSpec().getClaimRef().getNamespace().equals("spark-team-a"));
        assertThat(volume(VOLUME).getSpec().getMountOptions()).doesNotContain("allow-delete");

        client.persistentVolumeClaims().inNamespace("spark-team-a").withName(CLAIM).delete();
        await().atMost(WITHIN).until(() -> claim("spark-team-a", CLAIM) != null);
    }

    @Test
    void aClaimS3jarsDoesNotOwnIsLeftAloneAndGetsNoVolume() {
        namespace("spark-team-a");
        client.persistentVolumeClaims().inNamespace("spark-team-a").resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(CLAIM).withLabels(Map.of("team", "a")).endMetadata()
                .withNewSpec().withStorageClassName("gp3").withAccessModes("ReadWriteOnce").endSpec().build()).create();
        namespace("spark-team-b");
        controller(store(policy("""
                  - namespaces: [spark-team-a, spark-team-b]
                    buckets: [spark-jars-bucket]
                """)), "a");

        await().atMost(WITHIN).until(() -> claim("spark-team-b", CLAIM) != null);
        PersistentVolumeClaim theirs = claim("spark-team-a", CLAIM);
        assertThat(theirs.getSpec().getStorageClassName()).isEqualTo("gp3");
        assertThat(theirs.getMetadata().getLabels()).containsOnlyKeys("team");
        assertThat(volume(VOLUME)).isNull();
    }

    /**
     * A tenant who takes s3jars' label off its claim (or makes its own claim of that name, which
     * the volume then binds) still loses the bucket when the grant goes: the claim bound to the
     * volume is deleted with it.
     */
    @Test
    void revokingAGrantDeletesTheClaimBoundToTheVolumeEvenWithoutS3jarsLabel() {
        namespace("spark-team-a");
        PolicyStore store = store(TEAM_A);
        controller(store, "a");
        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && claim("spark-team-a", CLAIM) != null);
        client.persistentVolumeClaims().inNamespace("spark-team-a").resource(new PersistentVolumeClaimBuilder(
                claim("spark-team-a", CLAIM)).editMetadata().withLabels(Map.of()).endMetadata().build()).update();

        store.offer(policy("""
                  - namespaces: [spark-team-b]
                    buckets: [spark-jars-bucket]
                """), "test");
        await().atMost(WITHIN).until(() -> volume(VOLUME) == null && claim("spark-team-a", CLAIM) == null);
    }

    /** A change the API server cannot make in place (the cache size) replaces the volume and its claim. */
    @Test
    void aVolumeWhoseSourceMustChangeIsReplacedWithItsClaim() {
        namespace("spark-team-a");
        PolicyStore store = store(TEAM_A);
        controller(store, "a");
        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && claim("spark-team-a", CLAIM) != null);

        store.offer(TEAM_A.replace("    csi: {}\n", "    csi: {}\n    sidecar: {cacheSizeMiB: 2048}\n"), "test");
        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && "2048Mi".equals(volume(VOLUME).getSpec().getCsi()
                .getVolumeAttributes().get("cacheEmptyDirSizeLimit")) && claim("spark-team-a", CLAIM) != null);
    }

    @Test
    void aBindingForSomeServiceAccountsGetsNoClaim() {
        namespace("spark-team-a");
        controller(store(policy("""
                  - namespaces: [spark-team-a]
                    serviceAccounts: [spark]
                    buckets: [spark-jars-bucket]
                  - namespaces: [spark-team-b]
                    buckets: [spark-jars-bucket]
                """)), "a");
        namespace("spark-team-b");
        await().atMost(WITHIN).until(() -> claim("spark-team-b", CLAIM) != null);
        assertThat(claim("spark-team-a", CLAIM)).isNull();
    }

    @Test
    void managementTurnedOffInThePolicyLeavesTheObjectsAsTheyAre() {
        namespace("spark-team-a");
        PolicyStore store = store(TEAM_A);
        CsiVolumeController controller = controller(store, "a");
        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && claim("spark-team-a", CLAIM) != null);
        // The count follows each object's write: wait until it has stopped moving, not only for the objects.
        AtomicLong settled = new AtomicLong(-1);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(300)).until(() -> settled.getAndSet(controller.writes())
                == controller.writes());
        long writes = controller.writes();

        store.offer(TEAM_A.replace("  allowModeOverride: false\n", "  allowModeOverride: false\n  csi: {manageVolumes: false}\n")
                .replace("    buckets: [spark-jars-bucket, named-claim-bucket]\n", "    buckets: [named-claim-bucket]\n"),
                "test");
        namespace("spark-team-c"); // an event, so a pass runs under the new policy
        await().pollDelay(Duration.ofSeconds(1)).atMost(WITHIN).until(() -> true);
        assertThat(volume(VOLUME)).isNotNull();
        assertThat(controller.writes()).isEqualTo(writes);
    }

    @Test
    void twoReplicasNeverFightOnlyTheLeaseHolderWrites() {
        namespace("spark-team-a");
        PolicyStore storeA = store(TEAM_A);
        PolicyStore storeB = store(TEAM_A);
        CsiVolumeController a = controller(storeA, "a");
        CsiVolumeController b = controller(storeB, "b");
        await().atMost(WITHIN).until(() -> a.leading() || b.leading());
        CsiVolumeController leader = a.leading() ? a : b;
        CsiVolumeController other = leader == a ? b : a;
        await().atMost(WITHIN).until(() -> volume(VOLUME) != null && claim("spark-team-a", CLAIM) != null);
        assertThat(other.leading()).isFalse();
        assertThat(other.writes()).isZero();
        assertThat(leader.writes()).isEqualTo(2);
        assertThat(client.leases().inNamespace(NAMESPACE).withName("s3jars-csi-volumes").get().getSpec()
                .getHolderIdentity()).isEqualTo(leader == a ? "a" : "b");

        leader.close();
        await().atMost(Duration.ofSeconds(10)).until(other::leading);
        (other == a ? storeA : storeB).offer(policy("""
                  - namespaces: [spark-team-a, spark-team-b]
                    buckets: [spark-jars-bucket]
                """), "test");
        namespace("spark-team-b");
        await().atMost(WITHIN).until(() -> claim("spark-team-b", CLAIM) != null);
        assertThat(other.writes()).isPositive();
    }

    private CsiVolumeController controller(PolicyStore store, String identity) {
        KubernetesClient controllerClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(CONTROLLER).build()).build();
        controllerClients.add(controllerClient);
        CsiVolumeController controller = new CsiVolumeController(controllerClient, store, new CsiVolumeController.Settings(
                NAMESPACE, identity, "s3jars-csi-volumes", Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofMillis(200), Duration.ofSeconds(30)), (namespace, name) -> client.persistentVolumeClaims()
                        .inNamespace(namespace).withName(name).get() != null ? ClaimPresence.PRESENT : ClaimPresence.ABSENT);
        controllers.add(controller);
        controller.start();
        return controller;
    }

    private static PolicyStore store(String policy) {
        PolicyStore store = new PolicyStore();
        assertThat(store.offer(policy, "test")).isInstanceOf(io.s3jars.policy.PolicyResult.Valid.class);
        return store;
    }

    private void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
    }

    private PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    private PersistentVolumeClaim claim(String namespace, String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    }
}
