package io.s3jars.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.s3jars.cluster.NodeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nodes file reader must keep exactly what the informer's reader keeps from the same nodes. */
class NodeFilesTest {

    private static final List<Node> NODES = List.of(
            node("ready-tainted", "True", false).editSpec().addNewTaint().withKey("spot").withEffect("NoSchedule").endTaint()
                    .addNewTaint().withKey("soft").withEffect("PreferNoSchedule").endTaint()
                    .addNewTaint().withKey("gpu").withValue("a100").withEffect("NoExecute").endTaint().endSpec().build(),
            node("cordoned", "True", true).build(),
            node("not-ready", "False", false).build(),
            new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build());

    @Test
    void yamlListAndJsonNodeReadLikeTheInformer(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("nodes.yaml");
        Files.writeString(yaml, Serialization.asYaml(new KubernetesListBuilder().withItems(List.copyOf(NODES)).build()));
        assertThat(NodeFiles.read(yaml)).isEqualTo(NODES.stream().map(ApiNodes::summary).toList());

        Path json = dir.resolve("node.json");
        Files.writeString(json, Serialization.asJson(NODES.get(0)));
        assertThat(NodeFiles.read(json)).containsExactly(ApiNodes.summary(NODES.get(0)));
    }

    @Test
    void aListMayAlsoSayTheCsiDriverIsInstalled(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: List
                items:
                - {apiVersion: v1, kind: Node, metadata: {name: n1}}
                - {apiVersion: storage.k8s.io/v1, kind: CSIDriver, metadata: {name: s3.csi.aws.com}}
                """);
        assertThat(NodeFiles.readState(file).csiDriver()).isTrue();
        assertThat(NodeFiles.readState(file).nodes()).hasSize(1);
        Files.writeString(file, "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Node, metadata: {name: n1}}]\n");
        assertThat(NodeFiles.readState(file).csiDriver()).isFalse();
    }

    @Test
    void somethingElseIsAnError(@TempDir Path dir) throws Exception {
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
        assertThatThrownBy(() -> NodeFiles.read(pod)).hasMessageContaining("holds no Node, NodeList or List");
    }

    private static NodeBuilder node(String name, String ready, boolean unschedulable) {
        return new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("mountpoint.s3jars.io/spark-jars-bucket", "ready").endMetadata()
                .withNewSpec().withUnschedulable(unschedulable).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready).endCondition().endStatus();
    }
}
