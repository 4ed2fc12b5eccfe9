package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.s3jars.cluster.ClusterView;
import io.s3jars.mutation.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example file parses, every policy passes the validator, and the Spark examples get what the README says. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("examples");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FOREIGN_KINDS = Set.of("SparkApplication", "EC2NodeClass", "S3JarsPolicy");

    @TestFactory
    Stream<DynamicTest> everyYamlExampleIsValid() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream()
                    .map(file -> DynamicTest.dynamicTest(file.toString(), () -> check(file)));
        }
    }

    private static void check(Path file) throws IOException {
        String text = Files.readString(file);
        if (text.contains("kind: S3JarsPolicy")) {
            PolicyResult result = PolicyParser.parse(text);
            assertThat(result).as(file + ": " + result).isInstanceOf(PolicyResult.Valid.class);
            return;
        }
        List<HasMetadata> objects = Rendered.parse(text).objects();
        assertThat(objects).as(file.toString()).isNotEmpty();
        for (HasMetadata object : objects) {
            assertThat(object.getMetadata().getName()).as(file + " " + object.getKind()).isNotBlank();
            if (object instanceof GenericKubernetesResource generic) {
                assertThat(FOREIGN_KINDS).as(file + ": unknown kind " + generic.getKind()).contains(generic.getKind());
            }
        }
    }

    @Test
    void theSparkApplicationPodsGetTheBucketAtMntS3() throws IOException {
        JsonNode app = YAML.readTree(EXAMPLES.resolve("spark-application.yaml").toFile());
        assertThat(app.at("/spec/mainApplicationFile").asText()).startsWith("local:///mnt/s3/jars/");
        for (String role : List.of("driver", "executor")) {
            JsonNode spec = app.at("/spec/" + role);
            Map<String, String> labels = YAML.convertValue(spec.get("labels"), Map.class);
            Pod pod = inject(role, labels, spec.get("serviceAccount").asText());
            assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
                    .anyMatch(m -> m.getMountPath().equals("/mnt/s3") && m.getReadOnly());
        }
    }

    @Test
    void theSparkSubmitConfLabelsBothRolesForTheBucket() throws IOException {
        Properties conf = new Properties();
        conf.load(new StringReader(Files.readString(EXAMPLES.resolve("spark-submit.conf"))));
        assertThat(conf.getProperty("spark.jars")).startsWith("local:///mnt/s3/jars/");
        for (String role : List.of("driver", "executor")) {
            String prefix = "spark.kubernetes." + role + ".label.";
            Map<String, String> labels = new java.util.HashMap<>();
            conf.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                    .forEach(k -> labels.put(k.substring(prefix.length()), conf.getProperty(k)));
            Pod pod = inject(role, labels, conf.getProperty("spark.kubernetes.authenticate." + role + ".serviceAccountName"));
            assertThat(pod.getMetadata().getAnnotations()).containsKey("s3jars.io/status");
        }
    }

    @Test
    void theNodeAgentToleratesEverythingAndKeepsTheMountVisibleToPods() throws IOException {
        DaemonSet agent = Rendered.parse(Files.readString(EXAMPLES.resolve("node-agent/daemonset.yaml"))).one(DaemonSet.class);
        var pod = agent.getSpec().getTemplate().getSpec();
        assertThat(pod.getTolerations()).anyMatch(t -> "Exists".equals(t.getOperator()) && t.getKey() == null);
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .anyMatch(m -> "Bidirectional".equals(m.getMountPropagation()));
    }

    /** A real Spark pod of that role carrying the example's labels, through the engine with examples/policy.yaml. */
    private static Pod inject(String role, Map<String, String> labels, String serviceAccount) {
        ObjectNode pod = Fixtures.sparkPod(role.equals("driver") ? Fixtures.DRIVER : Fixtures.EXECUTOR);
        ObjectNode podLabels = ((ObjectNode) pod.get("metadata")).withObject("labels");
        podLabels.remove(List.of("s3jars.io/inject", "s3jars.io/bucket"));
        labels.forEach(podLabels::put);
        ((ObjectNode) pod.get("spec")).put("serviceAccountName", serviceAccount);
        PolicySnapshot policy = Fixtures.examplePolicy();
        Decision decision = new MutationEngine().decide(pod, "spark-team-a", Optional.of(policy), ClusterView.EMPTY);
        assertThat(decision).as(role + ": " + decision).isInstanceOf(Decision.Patch.class);
        return Fixtures.asPod(((Decision.Patch) decision).mutatedPod());
    }
}
