package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.s3jars.testing.KubernetesSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every manifest the project ships, checked against Kubernetes' own OpenAPI model
 * ({@code io.kubernetes:client-java-api}), strictly: a field the API does not define
 * ({@code reinvocationPolicys}), a wrong type or a missing required field fails, as the API server
 * would refuse it. The chart is rendered with every feature on.
 */
class KubernetesSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Kinds outside Kubernetes' own API, checked against their projects' models by CustomResourceSchemaTest. */
    private static final Set<String> NOT_KUBERNETES = Set.of("ServiceMonitor", "Certificate", "Issuer");

    @TestFactory
    Stream<DynamicTest> everyShippedObjectIsValidForKubernetes() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        Rendered everything = Rendered.chart(Map.of("nodeAgent.enabled", "true", "networkPolicy.enabled", "true",
                "metrics.serviceMonitor.enabled", "true"));
        add(tests, "chart, every feature", everything.yaml());
        add(tests, "chart, cert-manager", Rendered.chart(Map.of("certs.mode", "cert-manager")).yaml());
        add(tests, "chart, own Secret", Rendered.chart(Map.of("certs.mode", "secret", "certs.caBundle", "Y2E=")).yaml());
        try (Stream<Path> files = Files.walk(Path.of("webhook-config"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                add(tests, file.toString(), Files.readString(file));
            }
        }
        assertThat(tests).hasSizeGreaterThan(20);
        return tests.stream();
    }

    /** The check fails where the API server would: a misspelt field deep in a webhook, a wrong type. */
    @org.junit.jupiter.api.Test
    void aMisspeltOrMistypedFieldFails() throws Exception {
        String mutating = java.util.Arrays.stream(Rendered.chart(Map.of()).yaml().split("(?m)^---\\s*$"))
                .filter(d -> d.contains("kind: MutatingWebhookConfiguration")).findFirst().orElseThrow();
        validate(YAML.readTree(mutating));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> validate(YAML.readTree(
                mutating.replace("reinvocationPolicy:", "reinvocationPolicys:"))))
                .hasMessageContaining("reinvocationPolicys");
        String daemonSet = java.util.Arrays.stream(Rendered.chart(Map.of("nodeAgent.enabled", "true")).yaml()
                .split("(?m)^---\\s*$")).filter(d -> d.contains("kind: DaemonSet")).findFirst().orElseThrow();
        validate(YAML.readTree(daemonSet));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> validate(YAML.readTree(
                daemonSet.replace("mountPropagation: Bidirectional", "mountPropagation: [Bidirectional]"))))
                .hasMessageContaining("mountPropagation");
    }

    private static void add(List<DynamicTest> tests, String source, String yaml) throws Exception {
        for (String document : yaml.split("(?m)^---\\s*$")) {
            JsonNode object = YAML.readTree(document);
            if (object == null || !object.has("kind") || NOT_KUBERNETES.contains(object.get("kind").asText())) {
                continue;
            }
            String name = source + ": " + object.get("kind").asText() + " " + object.at("/metadata/name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> validate(object)));
        }
    }

    private static void validate(JsonNode object) throws Exception {
        KubernetesSchema.validate(object);
    }
}
