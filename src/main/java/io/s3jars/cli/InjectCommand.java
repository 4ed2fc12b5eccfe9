package io.s3jars.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.NodeFiles;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inject}: runs the webhook's engine on the pods of a file and prints the result, like
 * {@code istioctl kube-inject}. Opens no port. Reads what {@code kubectl} writes: one or several
 * YAML or JSON documents, {@code kind: List}, an AdmissionReview, a Pod, or a workload with a pod
 * template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), whose template is
 * injected as the pods it creates would be. Everything else is printed unchanged.
 */
@Command(name = "inject", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = "Show what s3jars does to the pods of a file, without a cluster.",
        footer = "Exit status: 0 allowed (patched or unchanged), 3 a pod is denied, 2 bad input.")
public final class InjectCommand implements Callable<Integer> {

    /**
     * Strings that look like numbers or booleans stay quoted: Kubernetes' typed decoders refuse
     * {@code spark-exec-id: 1} for a label, and {@code - 1024} for an argument.
     */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TEMPLATE_KINDS = List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
            "ReplicationController", "Job");

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The s3jars policy (YAML).")
    Path policy;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
            description = "Pods or workloads, YAML or JSON, several documents allowed; - for standard input.")
    String input;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
            description = "Namespace of the pods; else the review's, the object's, or default.")
    String namespace;

    @Option(names = "--nodes", paramLabel = "FILE",
            description = "Nodes as kubectl get nodes -o yaml prints them, for auto mode.")
    Path nodes;

    @Option(names = "--patch", description = "Print the JSON Patch instead of the object (a single object only).")
    boolean patchOnly;

    @Option(names = "--diff", description = "Print a unified diff of each object instead of the object, for review"
            + " in CI.")
    boolean diff;

    @Option(names = {"-v", "--verbose"}, description = "Also say, for each pod, the mode chosen and why.")
    boolean verbose;

    /** Set once the input is read: JSON input is answered in JSON. */
    private boolean jsonInput;
    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    private InjectCommand(InputStream stdin, PrintStream out, PrintStream err) {
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Commands.execute(new InjectCommand(stdin, out, err), args, out, err);
    }

    @Override
    public Integer call() {
        Optional<PolicySnapshot> snapshot = readPolicy();
        if (snapshot.isEmpty()) {
            return ExitCodes.BAD_INPUT;
        }
        List<JsonNode> documents;
        ClusterView cluster;
        try {
            documents = readDocuments();
            cluster = nodes == null ? ClusterView.EMPTY : StaticClusterView.of(NodeFiles.readState(nodes));
        } catch (InputProblem problem) {
            err.println(problem.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (RuntimeException e) {
            err.println("cannot read the nodes file " + nodes + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        if (patchOnly && diff) {
            err.println("--patch and --diff print different things; choose one");
            return ExitCodes.BAD_INPUT;
        }
        if (patchOnly && documents.size() != 1) {
            err.println("--patch needs a single object; " + label() + " holds " + documents.size());
            return ExitCodes.BAD_INPUT;
        }
        Injector injector = new Injector(new MutationEngine(), snapshot.get(), cluster, Optional.ofNullable(namespace)
                .filter(n -> !n.isEmpty()), err, verbose);
        List<String> printed = new ArrayList<>();
        boolean denied = false;
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode document : documents) {
            // What the result is compared with; the Injector edits copies, never the document.
            JsonNode before = Injector.objectOf(document);
            Injector.Result result = injector.inject(document);
            denied |= result.denied();
            try {
                if (patchOnly) {
                    printed.add(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.patch()) + "\n");
                } else if (diff) {
                    printed.add(ObjectDiff.unified(objectName(document), write(before), write(result.document())));
                } else {
                    results.add(result.document());
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result", e);
            }
        }
        if (!patchOnly && !diff) {
            printed.add(objects(results));
        }
        out.print(String.join("", printed));
        return denied ? ExitCodes.DENIED : ExitCodes.OK;
    }

    /**
     * The objects as the input had them: YAML documents separated by {@code ---}; in JSON one object,
     * or a {@code kind: List} of several, as {@code kubectl get -o json} prints them.
     */
    private String objects(List<JsonNode> results) {
        try {
            if (!jsonInput) {
                List<String> yaml = new ArrayList<>();
                for (JsonNode result : results) {
                    yaml.add(YAML.writeValueAsString(result));
                }
                return String.join("---\n", yaml);
            }
            if (results.size() == 1) {
                return write(results.get(0));
            }
            ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
            list.putArray("items").addAll(results);
            list.putObject("metadata");
            return write(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result", e);
        }
    }

    /** JSON in, JSON out; YAML otherwise. */
    private String write(JsonNode document) throws JsonProcessingException {
        return jsonInput ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n"
                : YAML.writeValueAsString(document);
    }

    private static String objectName(JsonNode document) {
        JsonNode metadata = Injector.objectOf(document).path("metadata");
        String name = metadata.path("name").asText(metadata.path("generateName").asText("(no name)"));
        return document.path("kind").asText("object") + " " + name;
    }

    private Optional<PolicySnapshot> readPolicy() {
        try {
            PolicyResult result = PolicyParser.parse(Files.readString(policy));
            if (result instanceof PolicyResult.Invalid invalid) {
                err.println("invalid policy " + policy + ":");
                invalid.errors().forEach(e -> err.println("  " + e));
                return Optional.empty();
            }
            return Optional.of(((PolicyResult.Valid) result).policy());
        } catch (NoSuchFileException e) {
            err.println("cannot read the policy file " + policy + ": no such file");
        } catch (IOException e) {
            err.println("cannot read the policy file " + policy + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Every document of the input, lists flattened; empty documents dropped. */
    private List<JsonNode> readDocuments() {
        byte[] content;
        try {
            content = input.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(input));
        } catch (NoSuchFileException e) {
            throw new InputProblem("cannot read " + label() + ": no such file");
        } catch (IOException e) {
            throw new InputProblem("cannot read " + label() + ": " + e.getMessage());
        }
        List<JsonNode> documents;
        try {
            // JSON objects one after another are valid JSON input but not one YAML document.
            documents = documents(JSON, content);
            jsonInput = true;
        } catch (IOException notJson) {
            try {
                documents = documents(YAML, content);
            } catch (JsonProcessingException e) {
                throw new InputProblem(label() + " is not valid YAML or JSON: " + oneLine(e));
            } catch (IOException e) {
                throw new InputProblem("cannot read " + label() + ": " + e.getMessage());
            }
        }
        if (documents.isEmpty()) {
            throw new InputProblem(label() + " holds no object");
        }
        return documents;
    }

    /** Every document {@code mapper} reads from {@code content}, lists flattened; empty documents dropped. */
    private static List<JsonNode> documents(ObjectMapper mapper, byte[] content) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (JsonParser parser = mapper.getFactory().createParser(content)) {
            while (parser.nextToken() != null) {
                JsonNode document = mapper.readTree(parser);
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    flatten(document, documents);
                }
            }
        }
        return documents;
    }

    /**
     * The parser's message on one line: the YAML parser's own lines that quote its internals
     * ({@code in 'reader'}) and the source excerpt under them are dropped, the position kept.
     */
    static String oneLine(JsonProcessingException e) {
        String text = Arrays.stream(String.valueOf(e.getOriginalMessage()).split("\n"))
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
        return text + (e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }

    private static void flatten(JsonNode document, List<JsonNode> documents) {
        if (document.path("kind").asText().endsWith("List") && document.path("items").isArray()) {
            document.path("items").forEach(item -> flatten(item, documents));
        } else {
            documents.add(document);
        }
    }

    private String label() {
        return input.equals("-") ? "standard input" : input;
    }

    /** A problem with the input files, said in one line. */
    private static final class InputProblem extends RuntimeException {
        InputProblem(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs the engine on one document, wherever its pod is. */
    private record Injector(MutationEngine engine, PolicySnapshot policy, ClusterView cluster,
            Optional<String> namespaceFlag, PrintStream err, boolean verbose) {

        record Result(JsonNode document, ArrayNode patch, boolean denied) {
        }

        /** The object a document's result stands for: an AdmissionReview's pod, or the document itself. */
        static JsonNode objectOf(JsonNode document) {
            JsonNode pod = document.path("request").path("object");
            return document.path("kind").asText("").equals("AdmissionReview") && pod.isObject() ? pod : document;
        }

        Result inject(JsonNode document) {
            String kind = document.path("kind").asText("");
            String name = kind + " " + document.path("metadata").path("name").asText(
                    document.path("metadata").path("generateName").asText("") + "*");
            if (kind.equals("AdmissionReview")) {
                JsonNode pod = document.path("request").path("object");
                Optional<String> reviewNamespace = text(document.path("request").path("namespace"));
                if (!pod.isObject()) {
                    err.println(name + ": holds no pod; printed unchanged");
                    return new Result(document, JSON.createArrayNode(), false);
                }
                return pod("AdmissionReview's pod", (ObjectNode) pod.deepCopy(), reviewNamespace, "");
            }
            if (kind.equals("Pod") || kind.isEmpty() && document.path("spec").has("containers")) {
                return pod(name, (ObjectNode) document.deepCopy(), Optional.empty(), "");
            }
            String templatePath = TEMPLATE_KINDS.contains(kind) ? "/spec/template"
                    : kind.equals("CronJob") ? "/spec/jobTemplate/spec/template" : null;
            if (templatePath != null && document.at(templatePath).isObject()) {
                return template(name, (ObjectNode) document.deepCopy(), templatePath);
            }
            err.println(name + ": " + (kind.equals("SparkApplication")
                    ? "s3jars injects the driver and executor pods the Spark operator creates, not the"
                            + " SparkApplication; give them the labels in spec.driver.labels and spec.executor.labels"
                    : "not a pod or a workload with a pod template") + "; printed unchanged");
            return new Result(document, JSON.createArrayNode(), false);
        }

        private Result template(String name, ObjectNode workload, String templatePath) {
            ObjectNode template = (ObjectNode) workload.at(templatePath);
            ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
            pod.set("metadata", template.path("metadata").isObject() ? template.get("metadata")
                    : JSON.createObjectNode());
            pod.set("spec", template.path("spec"));
            Optional<String> objectNamespace = text(workload.path("metadata").path("namespace"));
            Result result = pod(name, pod, objectNamespace, templatePath);
            if (result.document() instanceof ObjectNode mutated && mutated != pod) {
                template.set("metadata", mutated.get("metadata"));
                template.set("spec", mutated.get("spec"));
            }
            return new Result(workload, result.patch(), result.denied());
        }

        /** @param prefix where the pod lies in the document, for the patch's paths */
        private Result pod(String name, ObjectNode pod, Optional<String> fallback, String prefix) {
            String ns = namespaceFlag.or(() -> fallback).or(() -> text(pod.path("metadata").path("namespace")))
                    .orElse("default");
            Decision decision = engine.decide(pod, ns, Optional.of(policy), cluster);
            if (decision instanceof Decision.Deny deny) {
                err.println(name + ": denied (" + deny.code() + "): " + deny.reason());
                return new Result(pod, JSON.createArrayNode(), true);
            }
            if (decision instanceof Decision.Skip skip) {
                err.println(name + ": unchanged: " + skip.reason());
                return new Result(pod, JSON.createArrayNode(), false);
            }
            Decision.Patch patch = (Decision.Patch) decision;
            // What auto chose is routine; anything else the pod's author should see (no mount-ready node yet).
            patch.warnings().stream().filter(w -> verbose || !w.startsWith("auto chose"))
                    .forEach(w -> err.println(name + ": warning: " + w));
            if (verbose) {
                err.println(name + ": mode: " + patch.mode().label() + ", buckets: " + String.join(",", patch.buckets()));
            }
            ArrayNode operations = patch.operations().deepCopy();
            if (!prefix.isEmpty()) {
                operations.forEach(op -> ((ObjectNode) op).put("path", prefix + op.path("path").asText()));
            }
            return new Result(patch.mutatedPod(), operations, false);
        }

        private static Optional<String> text(JsonNode field) {
            return field.isTextual() && !field.asText().isEmpty() ? Optional.of(field.asText()) : Optional.empty();
        }
    }
}
