package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.storage.CSIDriverBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.Toleration;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node and namespace informers against a mock API server: auto mode follows the nodes as they change. */
@EnableKubernetesMockClient(crud = true)
class InformerClusterViewTest {

    private static final Map<String, String> READY = Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready");
    /** Mount-ready and in the node group the pod-f executor's nodeSelector asks for. */
    private static final Map<String, String> READY_SPOT_GROUP = Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready",
            "NodeGroupType", "SparkComputeOptimized", "karpenter.sh/capacity-type", "spot");

    KubernetesClient client;
    private InformerClusterView view;

    @BeforeEach
    void start() {
        client.nodes().resource(node("n1", Map.of("kubernetes.io/os", "linux"))).create();
        view = new InformerClusterView(client, false);
        assertThat(view.nodesSynced()).isFalse();
        view.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.nodesSynced() && view.namespacesSynced());
    }

    @AfterEach
    void stop() {
        view.close();
    }

    @Test
    void nodeLabelFlipsSwitchAutoMode() {
        assertThat(mode()).isEqualTo("sidecar");
        Node labeled = node("n1", READY);
        client.nodes().resource(labeled).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.mountReadyNodes(READY, List.of()) == 1);
        assertThat(mode()).isEqualTo("hostpath");

        client.nodes().resource(node("n1", Map.of("mountpoint.s3jars.io/spark-jars-bucket", "unmounted"))).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.mountReadyNodes(READY, List.of()) == 0);
        assertThat(mode()).isEqualTo("sidecar");
    }

    @Test
    void cordonedNotReadyAndTaintedNodesDoNotCount() {
        client.nodes().resource(node("n1", READY)).update();
        client.nodes().resource(node("n2", READY)).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.mountReadyNodes(READY, List.of()) == 2);

        client.nodes().resource(new NodeBuilder(node("n1", READY)).editSpec().withUnschedulable(true).endSpec().build())
                .update();
        client.nodes().resource(new NodeBuilder(node("n2", READY)).editStatus().editFirstCondition().withStatus("False")
                .endCondition().endStatus().build()).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.mountReadyNodes(READY, List.of()) == 0);

        client.nodes().resource(new NodeBuilder(node("n2", READY_SPOT_GROUP)).editSpec().addNewTaint().withKey("spark-compute-optimized")
                .withEffect("NoSchedule").endTaint().endSpec().build()).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.nodeCount() == 2
                && view.mountReadyNodes(READY, List.of(new Toleration("spark-compute-optimized", "Exists", null,
                        "NoSchedule"))) == 1);
        assertThat(view.mountReadyNodes(READY, List.of())).isZero();
        // The real pod-f executor tolerates that taint, so auto picks hostpath for it.
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.TEMPLATE_EXECUTOR), "spark-team-a",
                Optional.of(Fixtures.testPolicy()), view);
        assertThat(((Decision.Patch) decision).mode().label()).isEqualTo("hostpath");

        client.nodes().withName("n2").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.nodeCount() == 1);
        // n1, still cordoned, counts for no toleration at all: cordoning is not a taint.
        assertThat(view.mountReadyNodes(READY, List.of(new Toleration(null, "Exists", null, null)))).isZero();

        // Uncordoned but tainted NoExecute: only a toleration that matches it lets n1 count.
        client.nodes().resource(new NodeBuilder(node("n1", READY)).editSpec().addNewTaint()
                .withKey("node.kubernetes.io/unreachable").withEffect("NoExecute").endTaint().endSpec().build()).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.mountReadyNodes(READY,
                List.of(new Toleration(null, "Exists", null, null))) == 1);
        assertThat(view.mountReadyNodes(READY, List.of())).isZero();
        assertThat(view.mountReadyNodes(READY, List.of(new Toleration("node.kubernetes.io/unreachable", "Exists", null,
                "NoSchedule")))).isZero();
        assertThat(view.mountReadyNodes(READY, List.of(new Toleration("node.kubernetes.io/unreachable", "Exists", null,
                null)))).isEqualTo(1);
    }

    @Test
    void podSecurityLevelsComeFromNamespaceLabels() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("spark-team-a")
                .addToLabels(InformerClusterView.ENFORCE_LABEL, "baseline").endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.podSecurityLevel("spark-team-a").isPresent());
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(Fixtures.testPolicy()), view);
        assertThat(((Decision.Deny) decision).reason()).contains("enforces Pod Security level 'baseline'");

        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("spark-team-a")
                .addToLabels(InformerClusterView.ENFORCE_LABEL, "privileged").endMetadata().build()).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.podSecurityLevel("spark-team-a")
                .equals(Optional.of("privileged")));
        assertThat(new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(Fixtures.testPolicy()), view)).isInstanceOf(Decision.Patch.class);
    }

    @Test
    void theCsiDriverAndTheGuardsLabelsComeFromTheCluster() {
        assertThat(view.csiDriverInstalled()).isFalse();
        client.storage().v1().csiDrivers().resource(new CSIDriverBuilder()
                .withNewMetadata().withName("s3.csi.aws.com").endMetadata().withNewSpec().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(5)).until(view::csiDriverInstalled);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("spark-team-c")
                .addToLabels("s3jars.io/injection", "enabled").addToLabels("s3jars.io/guard", "warn").endMetadata()
                .build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.guardMode("spark-team-c") == GuardMode.WARN);
        // Not seen yet: judged as strictly as an s3jars namespace until the cache knows its labels.
        assertThat(view.guardMode("created-a-moment-ago")).isEqualTo(GuardMode.ENFORCE);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("web").endMetadata().build())
                .create();
        await().atMost(Duration.ofSeconds(5)).until(() -> view.guardMode("web") == GuardMode.PATHS_ONLY);
        client.storage().v1().csiDrivers().withName("s3.csi.aws.com").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> !view.csiDriverInstalled());
    }

    private String mode() {
        Decision decision = new MutationEngine().decide(Fixtures.sparkPod(Fixtures.EXECUTOR), "spark-team-a",
                Optional.of(Fixtures.testPolicy()), view);
        return ((Decision.Patch) decision).mode().label();
    }

    static Node node(String name, Map<String, String> labels) {
        return Nodes.readyNode(name, labels);
    }
}
