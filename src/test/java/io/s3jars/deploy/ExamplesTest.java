package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example file parses, every policy passes the validator, and the Spark examples get what docs/labels-and-annotations.md says. */
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

    /** {@code bash -n} on the user data's shell script; it mounts and leaves the labels to the node agent. */
    @Test
    void theKarpenterUserDataIsValidBashAndOnlyMounts() throws Exception {
        String shellPart = karpenterShellScript();
        assertThat(shellPart).contains("s3jars-mount@").doesNotContain("kubectl");
        bashSyntax(shellPart);
    }

    /** The user data's bucket list says what examples/policies/multi-team.yaml says of those buckets. */
    @Test
    void theKarpenterBucketsMatchThePolicysBuckets() throws Exception {
        String shellPart = karpenterShellScript();
        String list = shellPart.substring(shellPart.indexOf("<<'LIST'\n") + 9, shellPart.indexOf("\nLIST\n"));
        PolicySnapshot policy = ((PolicyResult.Valid) PolicyParser.parse(
                Files.readString(EXAMPLES.resolve("policies/multi-team.yaml")))).policy();
        assertThat(list.lines().toList()).hasSize(2).allSatisfy(line -> {
            String[] f = line.strip().split(" ");
            var bucket = policy.bucket(f[0]).orElseThrow();
            assertThat(bucket.region()).contains(f[1]);
            assertThat(bucket.prefix()).isEqualTo(f[2].equals("-") ? Optional.empty() : Optional.of(f[2]));
            assertThat(bucket.nodeMountPath()).isEqualTo(f[3]);
        });
    }

    private static String karpenterShellScript() throws IOException {
        String userData = YAML.readTree(EXAMPLES.resolve("node-agent/karpenter-ec2nodeclass.yaml").toFile())
                .at("/spec/userData").asText();
        return userData.substring(userData.indexOf("#!/bin/bash"), userData.indexOf("\n--//--"));
    }

    private static void bashSyntax(String script) throws IOException, InterruptedException {
        Process bash = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
        try (var stdin = bash.getOutputStream()) {
            stdin.write(script.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as("bash -n: " + output).isZero();
    }

    record PolicyCase(String policy, String namespace, String serviceAccount, String bucket, boolean nodesReady,
            String expected) {
    }

    /** Each example policy does to a real executor what its comments say: mode, grants and denials. */
    @TestFactory
    Stream<DynamicTest> examplePoliciesDecideAsDocumented() {
        // The nodes have every mount, and the cluster runs the CSI driver.
        ClusterView ready = new StaticClusterView(Nodes.readyNodes(3, Map.of(
                "mountpoint.s3jars.io/spark-jars-bucket", "ready", "mountpoint.s3jars.io/team-b-jars", "ready",
                "s3jars.io/node-pool", "team-b")), Map.of(), Map.of(), true);
        ClusterView driverOnly = new StaticClusterView(List.of(), Map.of(), Map.of(), true);
        return Stream.of(
                new PolicyCase("policy.yaml", "spark-team-a", "spark", "spark-jars-bucket", true, "hostpath"),
                new PolicyCase("policy.yaml", "spark-team-a", "spark", "spark-jars-bucket", false, "sidecar"),
                new PolicyCase("policy.yaml", "spark-team-b", "spark", "spark-jars-bucket", true, "denied"),
                new PolicyCase("policies/multi-team.yaml", "spark-team-b", "spark-b", "team-b-jars", true, "hostpath"),
                new PolicyCase("policies/multi-team.yaml", "spark-team-b", "default", "team-b-jars", true, "denied"),
                new PolicyCase("policies/multi-team.yaml", "analytics-eu", "default", "shared.libs", false, "sidecar"),
                new PolicyCase("policies/multi-team.yaml", "analytics-eu", "default", "spark-jars-bucket", true, "denied"),
                new PolicyCase("policies/sidecar-only.yaml", "spark-team-a", "spark", "spark-jars-bucket", true, "sidecar"),
                new PolicyCase("policies/csi.yaml", "spark-team-a", "spark", "spark-jars-bucket", true, "csi"),
                new PolicyCase("policies/csi.yaml", "spark-team-b", "spark", "team-b-jars", false, "csi"),
                new PolicyCase("policies/csi.yaml", "spark-team-b", "spark", "spark-jars-bucket", true, "denied"))
                .map(c -> DynamicTest.dynamicTest(c.policy() + " " + c.namespace() + "/" + c.serviceAccount() + " "
                        + c.bucket() + " -> " + c.expected(), () -> {
                    ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
                    ((ObjectNode) pod.get("metadata")).withObject("labels").put("s3jars.io/bucket", c.bucket());
                    ((ObjectNode) pod.get("spec")).put("serviceAccountName", c.serviceAccount());
                    PolicyResult parsed = PolicyParser.parse(Files.readString(EXAMPLES.resolve(c.policy())));
                    Decision decision = new MutationEngine().decide(pod, c.namespace(),
                            Optional.of(((PolicyResult.Valid) parsed).policy()), c.nodesReady() ? ready
                                    : c.policy().contains("csi") ? driverOnly : ClusterView.EMPTY);
                    String outcome = decision instanceof Decision.Patch patch ? patch.mode().label()
                            : decision instanceof Decision.Deny ? "denied" : "skipped";
                    assertThat(outcome).as(decision.toString()).isEqualTo(c.expected());
                }));
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
