package io.s3jars.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trees must be the ones an ObjectMapper reads, node type for node type, since both feed the same code. */
class JsonTreesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper YAML_MAPPER = new ObjectMapper(new YAMLFactory());

    @Test
    void jsonReadsAsAnObjectMapperReadsIt() throws IOException {
        List<String> documents = List.of(
                "{\"kind\":\"Node\",\"metadata\":{\"labels\":{\"a/b\":\"x\"},\"annotations\":{}},\"items\":[]}",
                "{\"int\":1,\"long\":12345678901,\"big\":123456789012345678901234567890,\"double\":1.5,"
                        + "\"exp\":-2e-3,\"t\":true,\"f\":false,\"n\":null,\"nested\":[[1,[2,{}]],{\"x\":[null]}]}",
                "[1,\"two\",{\"three\":3}]", "\"a string\"", "42", "null", "{\"dup\":1,\"dup\":2}",
                "{\"unicode\":\"caf\\u00e9 \\ud83d\\ude00\",\"escapes\":\"a\\\"b\\\\c\\n\"}",
                "[" + "[".repeat(900) + "]".repeat(900) + "]");
        for (String document : documents) {
            JsonNode expected = MAPPER.readTree(document);
            JsonNode read = JsonTrees.read(document);
            assertThat(read).as(document).isEqualTo(expected);
            assertThat(types(read)).as(document).isEqualTo(types(expected));
            assertThat(JsonTrees.read(document.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
        }
    }

    @Test
    void yamlDocumentsReadOneAfterAnotherAsAnObjectMapperReadsThem() throws IOException {
        String yaml = """
                apiVersion: s3jars.io/v1alpha1
                buckets:
                  - name: spark-jars
                    node: {cacheSizeMiB: 10240, selector: {"karpenter.sh/nodepool": spark}}
                    ratio: 0.25
                    empty: ~
                    flags: [yes, no, true]
                ---
                - plain
                - 'quoted: value'
                - "7"
                - 9223372036854775808
                ---
                scalar
                """;
        List<JsonNode> read = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        try (JsonParser ours = YAML_MAPPER.getFactory().createParser(yaml);
                JsonParser theirs = YAML_MAPPER.getFactory().createParser(yaml)) {
            while (ours.nextToken() != null) {
                read.add(JsonTrees.read(ours));
            }
            while (theirs.nextToken() != null) {
                expected.add(YAML_MAPPER.readTree(theirs));
            }
        }
        assertThat(read).hasSize(3).isEqualTo(expected);
        for (int i = 0; i < read.size(); i++) {
            assertThat(types(read.get(i))).isEqualTo(types(expected.get(i)));
        }
    }

    @Test
    void binaryScalarsAndRefusedDuplicatesAreReadAsTheMapperReadsThem() throws IOException {
        String yaml = "data: !!binary aGVsbG8=\n";
        try (JsonParser ours = YAML_MAPPER.getFactory().createParser(yaml)) {
            ours.nextToken();
            assertThat(JsonTrees.read(ours)).isEqualTo(YAML_MAPPER.readTree(yaml));
        }
        assertThat(JsonTrees.read("{\"a\":1}").path("a").isInt()).isTrue();
        YAMLFactory strict = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        try (JsonParser duplicates = strict.createParser("a: 1\nb: {c: 1, c: 2}\n")) {
            duplicates.nextToken();
            assertThatThrownBy(() -> JsonTrees.read(duplicates)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Duplicate field 'c'");
        }
    }

    @Test
    void aDocumentCutShortIsAnErrorNotAPartialTree() {
        for (String cut : List.of("{\"a\":[1,2", "[", "{\"a\":", "")) {
            assertThatThrownBy(() -> JsonTrees.read(cut)).as(cut).isInstanceOf(IOException.class);
        }
    }

    @Test
    void writesWhatAnObjectMapperWrites() throws IOException {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("s3jars.io/mounted-spark-jars", "true");
        labels.put("removed \"quoted\"\n", null);
        Map<String, Object> patch = Map.of("metadata", Map.of("labels", labels, "n", 3, "l", List.of(true, 5L)));
        assertThat(new String(JsonTrees.write(patch), StandardCharsets.UTF_8))
                .isEqualTo(MAPPER.writeValueAsString(patch));
        assertThatThrownBy(() -> JsonTrees.write(Map.of("x", new Object()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write a Object as JSON");
    }

    /** Each node's path and class, so an IntNode read as a LongNode (equal values, other types) fails. */
    private static List<String> types(JsonNode root) {
        List<String> out = new ArrayList<>();
        collect("", root, out);
        return out;
    }

    private static void collect(String path, JsonNode node, List<String> out) {
        out.add(path + "=" + node.getClass().getSimpleName());
        if (node.isObject()) {
            node.properties().forEach(field -> collect(path + "/" + field.getKey(), field.getValue(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(path + "/" + i, node.get(i), out);
            }
        }
    }
}
