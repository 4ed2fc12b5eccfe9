package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Mode;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SparkContainerMountStep on its own: the same read-only mount in every Spark container, whatever the mode. */
class SparkContainerMountStepTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();

    @Test
    void everySparkContainerGetsEachBucketReadOnlyAndNoOtherContainerDoes() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.DRIVER);
        ((ObjectNode) pod.get("spec")).withArray("containers").addObject().put("name", "istio-proxy").put("image", "p");
        ((ObjectNode) pod.get("spec")).withArray("initContainers").addObject().put("name", "init").put("image", "b");
        PodEditor editor = new PodEditor(pod);
        new SparkContainerMountStep().apply(plan(Mode.HOSTPATH, List.of("spark-jars-bucket", "shared.libs")), editor);
        assertThat(editor.pod().at("/spec/containers/0/volumeMounts").findValuesAsText("mountPath"))
                .contains("/mnt/s3/spark-jars-bucket", "/mnt/s3/shared.libs");
        assertThat(editor.pod().at("/spec/containers/1").has("volumeMounts")).isFalse();
        assertThat(editor.pod().at("/spec/initContainers/0").has("volumeMounts")).isFalse();
    }

    @Test
    void theMountIsTheSameInEveryMode() {
        for (Mode mode : List.of(Mode.HOSTPATH, Mode.SIDECAR)) {
            PodEditor editor = new PodEditor(Fixtures.sparkPod(Fixtures.EXECUTOR));
            new SparkContainerMountStep().apply(plan(mode, List.of("spark-jars-bucket")), editor);
            JsonNode mounts = editor.pod().at("/spec/containers/0/volumeMounts");
            assertThat(mounts.get(mounts.size() - 1).toString()).as(mode.label())
                    .isEqualTo("{\"name\":\"s3jars-mnt-spark-jars-bucket\",\"mountPath\":\"/mnt/s3\","
                            + "\"readOnly\":true,\"mountPropagation\":\"HostToContainer\"}");
        }
    }

    @Test
    void runningTwiceAddsNothing() {
        PodEditor first = new PodEditor(Fixtures.sparkPod(Fixtures.DRIVER));
        InjectionPlan plan = plan(Mode.HOSTPATH, List.of("spark-jars-bucket", "shared.libs"));
        new SparkContainerMountStep().apply(plan, first);
        PodEditor second = new PodEditor(first.pod());
        new SparkContainerMountStep().apply(plan, second);
        assertThat(second.operations()).isEmpty();
    }

    private static InjectionPlan plan(Mode mode, List<String> buckets) {
        return new InjectionPlan(mode, "test", ModeSelection.layout(buckets.stream()
                .map(b -> POLICY.bucket(b).orElseThrow()).toList(), POLICY.defaults()), POLICY.defaults());
    }
}
