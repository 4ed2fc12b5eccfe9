package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.cluster.NodeMountPathAnnotation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeMarksTest {

    private static final NodeMount JARS = mount("jars", "/mnt/s3", "mountpoint.s3jars.io/jars");
    private static final NodeMount LIBS = mount("libs", "/mnt/libs", "mountpoint.s3jars.io/libs");

    @Test
    void aLiveMountIsLabelledOwnedAndItsPathRecorded() {
        Map<String, Object> patch = NodeMarks.patch(Map.of("kubernetes.io/os", "linux"), Map.of(), List.of(JARS),
                List.of(JARS), List.of(), Set.of("/mnt/s3"));
        assertThat(patch).isEqualTo(Map.of("metadata", Map.of(
                "labels", Map.of("mountpoint.s3jars.io/jars", "ready"),
                "annotations", Map.of(NodeMarks.OWNED_LABELS, "mountpoint.s3jars.io/jars",
                        NodeMountPathAnnotation.KEY, "/mnt/s3"))));
    }

    @Test
    void aNodeThatAlreadySaysTheTruthGetsNoPatch() {
        assertThat(NodeMarks.patch(Map.of("mountpoint.s3jars.io/jars", "ready"), Map.of(NodeMarks.OWNED_LABELS,
                "mountpoint.s3jars.io/jars", NodeMountPathAnnotation.KEY, "/mnt/s3"), List.of(JARS, LIBS),
                List.of(JARS), List.of(), Set.of("/mnt/s3"))).isEmpty();
    }

    @Test
    void aDeadMountLosesItsLabelButKeepsItsPathWhileSomethingIsMountedThere() {
        Map<String, String> labels = Map.of("mountpoint.s3jars.io/jars", "ready");
        Map<String, String> annotations = Map.of(NodeMarks.OWNED_LABELS, "mountpoint.s3jars.io/jars",
                NodeMountPathAnnotation.KEY, "/mnt/s3");
        Map<String, Object> patch = NodeMarks.patch(labels, annotations, List.of(JARS), List.of(), List.of(), Set.of("/mnt/s3"));
        Map<String, Object> labelChanges = new HashMap<>();
        labelChanges.put("mountpoint.s3jars.io/jars", null);
        Map<String, Object> annotationChanges = new HashMap<>();
        annotationChanges.put(NodeMarks.OWNED_LABELS, null);
        assertThat(patch).isEqualTo(Map.of("metadata", Map.of("labels", labelChanges, "annotations", annotationChanges)));
    }

    @Test
    void aRestartedAgentRemovesLabelsItSetForABucketThePolicyNoLongerHas() {
        Map<String, String> labels = Map.of("mountpoint.s3jars.io/gone", "ready", "mountpoint.s3jars.io/jars", "ready",
                "other", "x");
        Map<String, String> annotations = Map.of(NodeMarks.OWNED_LABELS,
                "mountpoint.s3jars.io/gone,mountpoint.s3jars.io/jars", NodeMountPathAnnotation.KEY, "/mnt/gone\n/mnt/s3");
        Map<String, Object> patch = NodeMarks.patch(labels, annotations, List.of(JARS), List.of(JARS), List.of(), Set.of("/mnt/s3"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> metadata = (Map<String, Map<String, Object>>) patch.get("metadata");
        assertThat(metadata.get("labels")).containsOnlyKeys("mountpoint.s3jars.io/gone")
                .containsEntry("mountpoint.s3jars.io/gone", null);
        assertThat(metadata.get("annotations")).isEqualTo(Map.of(NodeMarks.OWNED_LABELS, "mountpoint.s3jars.io/jars",
                NodeMountPathAnnotation.KEY, "/mnt/s3"));
    }

    @Test
    void aLeavingMountsLabelIsRemovedEvenWhenAStaleViewNoLongerShowsIt() {
        Map<String, Object> patch = NodeMarks.patch(Map.of(), Map.of(NodeMountPathAnnotation.KEY, "/mnt/libs"),
                List.of(LIBS), List.of(), List.of(LIBS), Set.of("/mnt/libs"));
        Map<String, Object> labelChanges = new HashMap<>();
        labelChanges.put("mountpoint.s3jars.io/libs", null);
        assertThat(patch).isEqualTo(Map.of("metadata", Map.of("labels", labelChanges)));
    }

    @Test
    void aLabelTheAgentNeverOwnedIsLeftAlone() {
        assertThat(NodeMarks.patch(Map.of("mountpoint.s3jars.io/other", "ready"), Map.of(), List.of(), List.of(),
                List.of(), Set.of())).isEmpty();
    }

    private static NodeMount mount(String bucket, String path, String label) {
        return new NodeMount(bucket, path, Optional.empty(), Optional.empty(), 10240, Map.of(label, "ready"));
    }
}
