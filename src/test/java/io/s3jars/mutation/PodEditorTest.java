package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.s3jars.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The editor's copy-on-write contract: the original never changes, and a written operation never changes either. */
class PodEditorTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void theOriginalPodIsNeverChangedAndUntouchedSubtreesAreShared() {
        ObjectNode original = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ObjectNode before = original.deepCopy();
        PodEditor editor = new PodEditor(original);

        editor.append(JSON.objectNode().put("name", "v"), "spec", "volumes");
        editor.append(JSON.objectNode().put("name", "v").put("mountPath", "/m"), "spec", "containers", "0",
                "volumeMounts");
        editor.put("a", TextNode.valueOf("1"), "metadata", "annotations");

        assertThat(original).isEqualTo(before);
        assertThat(editor.pod()).isNotEqualTo(before);
        assertThat(editor.pod().at("/spec/containers/0/env")).isSameAs(original.at("/spec/containers/0/env"));
        assertThat(JsonPatch.apply(editor.operations(), before)).isEqualTo(editor.pod());
    }

    @Test
    void aLaterChangeThroughAnAddedValueLeavesTheRecordedOperationAsItWas() {
        ObjectNode pod = JSON.objectNode();
        pod.putObject("metadata").put("name", "p");
        PodEditor editor = new PodEditor(pod);

        editor.put("first", TextNode.valueOf("1"), "metadata", "annotations");
        editor.put("second", TextNode.valueOf("2"), "metadata", "annotations");

        JsonNode created = editor.operations().get(0);
        assertThat(created.get("path").asText()).isEqualTo("/metadata/annotations");
        assertThat(created.get("value")).isEqualTo(JSON.objectNode().put("first", "1"));
        assertThat(editor.operations().get(1).get("path").asText()).isEqualTo("/metadata/annotations/second");
        assertThat(editor.pod().get("metadata").get("annotations"))
                .isEqualTo(JSON.objectNode().put("first", "1").put("second", "2"));
        assertThat(JsonPatch.apply(editor.operations(), pod)).isEqualTo(editor.pod());
    }
}
