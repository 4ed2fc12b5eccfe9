package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Mode;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HostPathVolumeStep and MountReadyAffinityStep, each on its own. */
class HostPathStepsTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();

    @Test
    void hostPathVolumeIsADirectoryPerBucketAndTouchesNoContainer() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.DRIVER);
        JsonNode containersBefore = pod.at("/spec/containers").deepCopy();
        PodEditor editor = new PodEditor(pod);
        new HostPathVolumeStep().apply(plan(List.of("spark-jars-bucket", "shared.libs")), editor);
        JsonNode volumes = editor.pod().at("/spec/volumes");
        assertThat(volumes.toString()).contains("{\"name\":\"s3jars-mnt-spark-jars-bucket\",\"hostPath\":{\"path\":\"/mnt/s3\","
                + "\"type\":\"Directory\"}}", "{\"name\":\"s3jars-mnt--shared-libs-50d37992\",\"hostPath\":{\"path\":\"/mnt/shared-libs\"");
        assertThat(editor.pod().at("/spec/containers")).isEqualTo(containersBefore);
    }

    @Test
    void affinityIsAddedToEveryExistingTermAndOnlyOnce() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        var terms = ((ObjectNode) pod.get("spec")).withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
        terms.addObject().putArray("matchExpressions").addObject().put("key", "mountpoint.s3jars.io/spark-jars-bucket")
                .put("operator", "In").putArray("values").add("ready");
        terms.addObject().putArray("matchExpressions").addObject().put("key", "zone").put("operator", "In")
                .putArray("values").add("a");
        PodEditor editor = affinityFor(pod);
        assertThat(editor.operations()).hasSize(1);
        assertThat(editor.operations().get(0).get("path").asText())
                .endsWith("/nodeSelectorTerms/1/matchExpressions/-");
        assertThat(affinityFor(editor.pod()).operations()).as("a second pass").isEmpty();
    }

    @Test
    void aLooserExpressionOnTheSameKeyDoesNotCount() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("spec")).withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms").addObject()
                .putArray("matchExpressions").addObject().put("key", "mountpoint.s3jars.io/spark-jars-bucket")
                .put("operator", "In").putArray("values").add("ready").add("broken");
        PodEditor editor = affinityFor(pod);
        assertThat(editor.operations()).hasSize(1);
    }

    /** Kubernetes: a null or empty term matches no node. Ours would widen it, so it stays as it is. */
    @Test
    void termsThatMatchNoNodeAreLeftAlone() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ArrayNode terms = nodeSelectorTerms(pod);
        terms.addObject();
        terms.addNull();
        terms.addObject().putArray("matchExpressions");
        terms.addObject().putNull("matchExpressions").putArray("matchFields");
        terms.addObject().putArray("matchFields").addObject().put("key", "metadata.name").put("operator", "In")
                .putArray("values").add("ip-10-0-1-1");
        PodEditor editor = affinityFor(pod);
        assertThat(editor.operations().findValuesAsText("path")).containsExactly("/spec/affinity/nodeAffinity"
                + "/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/4/matchExpressions");
        assertThat(affinityFor(editor.pod()).operations()).as("a second pass").isEmpty();
    }

    /** The API server refuses an empty list of terms, so the pod gets one term of its own. */
    @Test
    void anEmptyListOfTermsGetsOurTerm() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        nodeSelectorTerms(pod);
        PodEditor editor = affinityFor(pod);
        assertThat(editor.operations()).hasSize(1);
        assertThat(editor.operations().get(0).get("path").asText()).endsWith("/nodeSelectorTerms/-");
        assertThat(editor.operations().get(0).get("value").toString()).isEqualTo("{\"matchExpressions\":[{\"key\":"
                + "\"mountpoint.s3jars.io/spark-jars-bucket\",\"operator\":\"In\",\"values\":[\"ready\"]}]}");
        assertThat(affinityFor(editor.pod()).operations()).as("a second pass").isEmpty();
    }

    /** The affinity step for spark-jars-bucket run on {@code pod}. */
    private static PodEditor affinityFor(ObjectNode pod) {
        PodEditor editor = new PodEditor(pod);
        new MountReadyAffinityStep().apply(plan(List.of("spark-jars-bucket")), editor);
        return editor;
    }

    private static ArrayNode nodeSelectorTerms(ObjectNode pod) {
        return ((ObjectNode) pod.get("spec")).withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
    }

    private static InjectionPlan plan(List<String> buckets) {
        return new InjectionPlan(Mode.HOSTPATH, "test", ModeSelection.layout(buckets.stream()
                .map(b -> POLICY.bucket(b).orElseThrow()).toList(), POLICY.defaults()), POLICY.defaults());
    }
}
