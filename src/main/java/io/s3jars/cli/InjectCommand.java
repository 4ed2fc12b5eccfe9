package io.s3jars.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code inject}: runs the webhook's engine on a pod file and prints the result, like
 * {@code istioctl kube-inject}. Opens no port. Exit codes: 0 allowed (patched or untouched),
 * 3 denied, 2 bad input.
 */
public final class InjectCommand {


    private static final String USAGE = "usage: inject --policy FILE -f POD_FILE|- [--namespace NS] [--nodes FILE] [--patch]";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final ObjectMapper JSON = new ObjectMapper();

    private InjectCommand() {
    }

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        Arguments parsed;
        try {
            parsed = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return ExitCodes.BAD_INPUT;
        }
        try {
            PolicyResult policy = PolicyParser.parse(Files.readString(parsed.policy));
            if (policy instanceof PolicyResult.Invalid invalid) {
                err.println("invalid policy " + parsed.policy + ":");
                invalid.errors().forEach(e -> err.println("  " + e));
                return ExitCodes.BAD_INPUT;
            }
            JsonNode input = YAML.readTree(parsed.pod.equals("-") ? stdin : Files.newInputStream(Path.of(parsed.pod)));
            boolean review = input != null && "AdmissionReview".equals(input.path("kind").asText());
            Optional<String> reviewNamespace = review ? text(input.path("request").path("namespace")) : Optional.empty();
            if (review) {
                input = input.path("request").path("object");
            }
            if (input == null || !input.isObject() || !"Pod".equals(input.path("kind").asText("Pod"))) {
                err.println(parsed.pod + " holds no Pod");
                return ExitCodes.BAD_INPUT;
            }
            ObjectNode pod = (ObjectNode) input;
            String namespace = parsed.namespace.or(() -> reviewNamespace)
                    .or(() -> text(pod.path("metadata").path("namespace"))).orElse("default");
            ClusterView cluster = parsed.nodes.<ClusterView>map(n -> StaticClusterView.ofNodes(NodeFiles.read(n)))
                    .orElse(ClusterView.EMPTY);
            Decision decision = new MutationEngine().decide(pod, namespace,
                    Optional.of(((PolicyResult.Valid) policy).policy()), cluster);
            return print(decision, pod, parsed.patchOnly, out, err);
        } catch (IOException | RuntimeException e) {
            err.println("cannot read input: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    /** A namespace field as written; absent, empty or not a string counts as unset, so the next source is asked. */
    private static Optional<String> text(JsonNode field) {
        return field.isTextual() && !field.asText().isEmpty() ? Optional.of(field.asText()) : Optional.empty();
    }

    private static int print(Decision decision, ObjectNode pod, boolean patchOnly, PrintStream out, PrintStream err)
            throws IOException {
        if (decision instanceof Decision.Deny deny) {
            err.println("denied (" + deny.code() + "): " + deny.reason());
            return ExitCodes.DENIED;
        }
        if (decision instanceof Decision.Skip skip) {
            err.println("unchanged: " + skip.reason());
            out.print(patchOnly ? "[]\n" : YAML.writeValueAsString(pod));
            return 0;
        }
        Decision.Patch patch = (Decision.Patch) decision;
        patch.warnings().forEach(w -> err.println("warning: " + w));
        err.println("mode: " + patch.mode().label() + ", buckets: " + String.join(",", patch.buckets()));
        out.print(patchOnly ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(patch.operations()) + "\n"
                : YAML.writeValueAsString(patch.mutatedPod()));
        return 0;
    }

    private static final class Arguments {
        Path policy;
        String pod;
        Optional<String> namespace = Optional.empty();
        Optional<Path> nodes = Optional.empty();
        boolean patchOnly;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--policy" -> a.policy = Path.of(value(args, ++i, "--policy"));
                    case "-f", "--filename" -> a.pod = value(args, ++i, "-f");
                    case "--namespace", "-n" -> a.namespace = Optional.of(value(args, ++i, "--namespace"));
                    case "--nodes" -> a.nodes = Optional.of(Path.of(value(args, ++i, "--nodes")));
                    case "--patch" -> a.patchOnly = true;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (a.policy == null || a.pod == null) {
                throw new IllegalArgumentException("--policy and -f are required");
            }
            return a;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }
}
