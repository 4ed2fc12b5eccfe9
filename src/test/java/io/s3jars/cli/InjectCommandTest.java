package io.s3jars.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.KubernetesSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline preview runs the webhook's engine on files: exit 0 allowed, 3 denied, 2 bad input. */
class InjectCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void printsTheMutatedExecutorAsYaml() throws IOException {
        Path pod = write("executor.json", Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString(), "--verbose")).isEqualTo(0);
        JsonNode mutated = new ObjectMapper(new YAMLFactory()).readTree(out.toByteArray());
        assertThat(Fixtures.asPod(mutated).getSpec().getInitContainers())
                .anyMatch(c -> c.getName().equals("s3jars-mount-spark-jars-bucket"));
        assertThat(err.toString()).contains("mode: sidecar, buckets: spark-jars-bucket");
    }

    @Test
    void nodesFileMakesAutoChooseHostPathAndPatchPrintsOnlyThePatch() throws IOException {
        Path pod = write("executor.json", Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        Path nodes = write("nodes.yaml", """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Node
                  metadata: {name: n1, labels: {mountpoint.s3jars.io/spark-jars-bucket: ready}}
                  status: {conditions: [{type: Ready, status: "True"}]}
                """);
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString(), "--nodes", nodes.toString(), "--patch",
                "-v")).isEqualTo(0);
        ArrayNode patch = (ArrayNode) Fixtures.JSON.readTree(out.toByteArray());
        assertThat(patch.findValuesAsText("path")).contains("/spec/affinity");
        assertThat(err.toString()).contains("auto chose hostpath: 1 Ready");
    }

    @Test
    void readsAnAdmissionReviewFromStdinWithItsNamespace() {
        String review = Fixtures.resource("/spark-pods/review-a-driver.json").replace("\"namespace\": \"spark-team-a\"",
                "\"namespace\": \"spark-team-b\"");
        assertThat(runWithStdin(review, "--policy", "examples/policy.yaml", "-f", "-")).isEqualTo(ExitCodes.DENIED);
        assertThat(err.toString()).contains("denied (403): namespace spark-team-b");
    }

    /** docs/operations.md: --namespace, else the review's request.namespace, else the pod's, else default; empty counts as unset. */
    @Test
    void theNamespaceFallsBackFromFlagToReviewToPodToDefault() throws IOException {
        record Case(String flag, String review, String pod, String expected) {
        }
        List<Case> cases = List.of(
                new Case(null, "spark-team-b", "spark-team-a", "spark-team-b"),
                new Case(null, null, "spark-team-b", "spark-team-b"),
                new Case(null, "", "spark-team-b", "spark-team-b"),
                new Case(null, null, "spark-team-a", "spark-team-a"),
                new Case(null, null, null, "default"),
                new Case(null, "", "", "default"),
                new Case("spark-team-c", "spark-team-b", "spark-team-b", "spark-team-c"));
        for (Case c : cases) {
            ObjectNode review = (ObjectNode) Fixtures.resourceJson("/spark-pods/review-a-driver.json");
            setOrRemove((ObjectNode) review.get("request"), c.review());
            setOrRemove((ObjectNode) review.at("/request/object/metadata"), c.pod());
            List<String> args = new ArrayList<>(List.of("--policy", "examples/policy.yaml", "-f", "-"));
            if (c.flag() != null) {
                args.addAll(List.of("--namespace", c.flag()));
            }
            int exit = runWithStdin(review.toString(), args.toArray(String[]::new));
            if (c.expected().equals("spark-team-a")) {
                assertThat(exit).as(c.toString()).isZero();
            } else {
                assertThat(exit).as(c.toString()).isEqualTo(ExitCodes.DENIED);
                assertThat(err.toString()).as(c.toString()).contains("denied (403): namespace " + c.expected() + " ");
            }
        }
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("metadata")).remove("namespace");
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("pod.json", pod.toString()).toString()))
                .isEqualTo(ExitCodes.DENIED);
        assertThat(err.toString()).contains("denied (403): namespace default ");
    }

    private static void setOrRemove(ObjectNode node, String namespace) {
        if (namespace == null) {
            node.remove("namespace");
        } else {
            node.put("namespace", namespace);
        }
    }

    @Test
    void deniedPodsExitThreeAndBadInputTwo() throws IOException {
        Path pod = write("executor.json", Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString(), "--namespace", "spark-team-b"))
                .isEqualTo(ExitCodes.DENIED);
        assertThat(run("--policy", "examples/policy.yaml")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("bad.json", "{nope").toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        Path badPolicy = write("policy.yaml", "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\nbuckets: 7\n");
        assertThat(run("--policy", badPolicy.toString(), "-f", pod.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("buckets must be a list");
    }

    /** What inject prints, Kubernetes' typed decoders read: strings that look like numbers stay strings. */
    @Test
    void theOutputKeepsStringsStringsAndFeedsBackUnchanged() throws IOException {
        Path pod = write("executor.json", Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString())).isZero();
        String first = out.toString();
        JsonNode mutated = new ObjectMapper(new YAMLFactory()).readTree(first);
        mutated.path("metadata").path("labels").forEach(value -> assertThat(value.isTextual()).as(value.toString()).isTrue());
        assertThat(mutated.at("/metadata/labels/spark-exec-id").asText()).isEqualTo("1");
        for (JsonNode container : mutated.at("/spec/initContainers")) {
            container.path("args").forEach(arg -> assertThat(arg.isTextual()).as(arg.toString()).isTrue());
        }
        assertThat(err.toString()).as("routine choices only with --verbose").isEmpty();
        Path again = write("again.yaml", first);
        assertThat(run("--policy", "examples/policy.yaml", "-f", again.toString())).isZero();
        assertThat(out.toString()).isEqualTo(first);
    }

    @Test
    void everyDocumentOfAFileIsInjectedWhateverHoldsThePod() throws IOException {
        String executor = Fixtures.resource("/spark-pods/pod-b-executor-1.json");
        JsonNode pod = Fixtures.JSON.readTree(executor);
        ObjectNode deployment = Fixtures.JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        deployment.putObject("metadata").put("name", "d").put("namespace", "spark-team-a");
        ObjectNode template = deployment.putObject("spec").putObject("template");
        template.set("metadata", pod.get("metadata"));
        template.set("spec", pod.get("spec"));
        ObjectNode cronJob = Fixtures.JSON.createObjectNode().put("apiVersion", "batch/v1").put("kind", "CronJob");
        cronJob.putObject("metadata").put("name", "c").put("namespace", "spark-team-a");
        cronJob.putObject("spec").putObject("jobTemplate").putObject("spec").set("template", template.deepCopy());
        ObjectNode list = Fixtures.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        list.putArray("items").add(pod).add(deployment);
        String file = list + "\n---\n" + cronJob + "\n---\n"
                + "{\"apiVersion\": \"sparkoperator.k8s.io/v1beta2\", \"kind\": \"SparkApplication\","
                + " \"metadata\": {\"name\": \"s\"}}\n";
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("all.yaml", file).toString())).isZero();
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(out.toByteArray())) {
            var yaml = new ObjectMapper(new YAMLFactory());
            while (parser.nextToken() != null) {
                documents.add(yaml.readTree(parser));
            }
        }
        assertThat(documents).extracting(d -> d.path("kind").asText())
                .containsExactly("Pod", "Deployment", "CronJob", "SparkApplication");
        assertThat(documents.get(0).toString()).contains("s3jars-mount-spark-jars-bucket");
        assertThat(documents.get(1).at("/spec/template/spec").toString()).contains("s3jars-mount-spark-jars-bucket");
        assertThat(documents.get(2).at("/spec/jobTemplate/spec/template/spec").toString())
                .contains("s3jars-mount-spark-jars-bucket");
        assertThat(err.toString()).contains("SparkApplication s: s3jars injects the driver and executor pods");
    }

    /**
     * kubectl's round trip: the Spark pods, a Deployment and a Job go through inject, come out as
     * objects Kubernetes' typed schema takes whole (every string a string, no unknown field), and
     * go through inject again unchanged.
     */
    @Test
    void theOutputPassesKubernetesStrictSchemaAndInjectingItAgainChangesNothing() throws Exception {
        JsonNode executor = Fixtures.JSON.readTree(Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        ObjectNode deployment = workload("apps/v1", "Deployment", executor);
        ObjectNode job = workload("batch/v1", "Job", executor);
        ((ObjectNode) job.at("/spec/template/spec")).put("restartPolicy", "Never");
        StringBuilder file = new StringBuilder();
        for (String pod : List.of("pod-a-driver.json", "pod-b-executor-1.json",
                "pod-f-executor-podtemplate-tolerations.json")) {
            file.append(Fixtures.resource("/spark-pods/" + pod)).append("\n---\n");
        }
        file.append(deployment).append("\n---\n").append(job).append("\n");
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("all.yaml", file.toString()).toString())).isZero();
        String first = out.toString();
        List<JsonNode> documents = yamlDocuments(first);
        assertThat(documents).extracting(d -> d.path("kind").asText())
                .containsExactly("Pod", "Pod", "Pod", "Deployment", "Job");
        for (JsonNode document : documents) {
            assertThat(document.toString()).contains("s3jars-mnt-spark-jars-bucket");
            KubernetesSchema.validate(document);
            assertThat(KubernetesSchema.sameThroughTypedModel(document)).as(document.path("kind").asText()).isTrue();
        }
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("again.yaml", first).toString())).isZero();
        assertThat(out.toString()).isEqualTo(first);
    }

    /** The round trip catches what a typed decoder would: a label that is a number. */
    @Test
    void theStrictRoundTripCatchesANumberWhereAStringBelongs() throws Exception {
        JsonNode pod = Fixtures.JSON.readTree(Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        ((ObjectNode) pod.at("/metadata/labels")).put("spark-exec-id", 1);
        assertThat(KubernetesSchema.sameThroughTypedModel(pod)).isFalse();
        ((ObjectNode) pod.at("/metadata/labels")).put("spark-exec-id", "1");
        assertThat(KubernetesSchema.sameThroughTypedModel(pod)).isTrue();
    }

    @Test
    void jsonInGivesJsonOut() throws IOException {
        Path pod = write("executor.json", Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString())).isZero();
        String printed = out.toString();
        assertThat(printed).startsWith("{");
        assertThat(Fixtures.JSON.readTree(printed).toString()).contains("s3jars-mnt-spark-jars-bucket");
        Path yaml = write("executor.yaml", new ObjectMapper(new YAMLFactory()).writeValueAsString(
                Fixtures.JSON.readTree(Fixtures.resource("/spark-pods/pod-b-executor-1.json"))));
        assertThat(run("--policy", "examples/policy.yaml", "-f", yaml.toString())).isZero();
        assertThat(out.toString()).doesNotStartWith("{").contains("kind: Pod");

        // Several objects, as kubectl get -o json prints them (a List), or one after another: a List
        // comes out, and fed back in, it comes out the same.
        String executor = Fixtures.resource("/spark-pods/pod-b-executor-1.json");
        String driver = Fixtures.resource("/spark-pods/pod-a-driver.json");
        for (String input : List.of("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [" + executor + ", " + driver
                + "]}", executor + "\n" + driver)) {
            assertThat(run("--policy", "examples/policy.yaml", "-f", write("pods.json", input).toString())).isZero();
            String list = out.toString();
            JsonNode printedList = Fixtures.JSON.readTree(list);
            assertThat(printedList.path("kind").asText()).isEqualTo("List");
            assertThat(printedList.path("items")).hasSize(2);
            assertThat(run("--policy", "examples/policy.yaml", "-f", write("again.json", list).toString())).isZero();
            assertThat(out.toString()).isEqualTo(list);
        }
    }

    @Test
    void diffShowsWhatS3jarsChangesAndNothingOnItsOwnOutput() throws IOException {
        Path pod = write("executor.yaml", new ObjectMapper(new YAMLFactory()).writeValueAsString(
                Fixtures.JSON.readTree(Fixtures.resource("/spark-pods/pod-b-executor-1.json"))));
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString(), "--diff")).isZero();
        String diff = out.toString();
        assertThat(diff).startsWith("--- Pod taxi-trip-f5ae8ca20adf2221-exec-1 (input)\n"
                + "+++ Pod taxi-trip-f5ae8ca20adf2221-exec-1 (s3jars)\n@@ ");
        assertThat(diff.lines().filter(l -> l.startsWith("-") && !l.startsWith("---"))).as("s3jars only adds")
                .allMatch(l -> diff.contains("+" + l.substring(1)));
        assertThat(diff).contains("+    s3jars.io/status: ").contains("+  - name: s3jars-mnt-spark-jars-bucket");

        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString())).isZero();
        Path injected = write("injected.yaml", out.toString());
        assertThat(run("--policy", "examples/policy.yaml", "-f", injected.toString(), "--diff")).isZero();
        assertThat(out.toString()).isEmpty();
        // A review's diff is its pod's: nothing for a pod s3jars leaves alone.
        ObjectNode review = (ObjectNode) Fixtures.JSON.readTree(Fixtures.resource("/spark-pods/review-b-executor-1.json"));
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("review.json", review.toString()).toString(),
                "--diff")).isZero();
        assertThat(out.toString()).startsWith("--- AdmissionReview taxi-trip-f5ae8ca20adf2221-exec-1 (input)")
                .doesNotContain("\"request\"");
        ((ObjectNode) review.at("/request/object/metadata/labels")).remove("s3jars.io/inject");
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("review.json", review.toString()).toString(),
                "--diff")).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString(), "--diff", "--patch"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).isEqualTo("--patch and --diff print different things; choose one\n");
    }

    @Test
    void versionIsTheBuildsOnEveryCommand() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).matches("s3jars \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
        assertThat(out.toString().trim()).isEqualTo(Version.line());
    }

    private static ObjectNode workload(String apiVersion, String kind, JsonNode pod) {
        ObjectNode workload = Fixtures.JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        workload.putObject("metadata").put("name", kind.toLowerCase()).put("namespace", "spark-team-a");
        ObjectNode spec = workload.putObject("spec");
        ObjectNode labels = (ObjectNode) pod.at("/metadata/labels").deepCopy();
        if (kind.equals("Deployment")) {
            spec.putObject("selector").set("matchLabels", Fixtures.JSON.createObjectNode().put("app", "spark"));
            labels.put("app", "spark");
        }
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").set("labels", labels);
        ((ObjectNode) template.get("metadata")).set("annotations", pod.at("/metadata/annotations").deepCopy());
        ObjectNode podSpec = (ObjectNode) pod.get("spec").deepCopy();
        podSpec.remove("nodeName");
        template.set("spec", podSpec);
        return workload;
    }

    private static List<JsonNode> yamlDocuments(String text) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(text)) {
            var yaml = new ObjectMapper(new YAMLFactory());
            while (parser.nextToken() != null) {
                documents.add(yaml.readTree(parser));
            }
        }
        return documents;
    }

    @Test
    void helpAndArgumentsAsATerminalUserTypesThem() throws IOException {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: inject").contains("--policy=FILE");
        Path pod = write("executor.json", Fixtures.resource("/spark-pods/pod-b-executor-1.json"));
        assertThat(run("--policy", "examples/policy.yaml", "-f", pod.toString(), "--polcy", "x"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("Unknown options: '--polcy'").contains("Usage: inject");
        assertThat(run("-f", pod.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("Missing required option: '--policy=FILE'");
        assertThat(run("--policy=examples/policy.yaml", "-f", pod.toString())).isZero();
        assertThat(run("--policy", "nope.yaml", "-f", pod.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).isEqualTo("cannot read the policy file nope.yaml: no such file\n");
        assertThat(run("--policy", "examples/policy.yaml", "-f", "nope.yaml")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).isEqualTo("cannot read nope.yaml: no such file\n");
        assertThat(run("--policy", "examples/policy.yaml", "-f", write("bad.yaml", "a: [").toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("is not valid YAML or JSON").doesNotContain("reader").hasLineCount(1);
    }

    private int run(String... args) {
        return runWithStdin("", args);
    }

    private int runWithStdin(String stdin, String... args) {
        out.reset();
        err.reset();
        return InjectCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
