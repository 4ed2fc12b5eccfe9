package io.s3jars.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * The most expensive reviews a tenant can send within the API server's 3 MiB, for /mutate in each
 * mode and for /validate, and a pod far over the limits: the whole request path (parse the review,
 * decide, write the answer) timed and its allocation counted, after warm-up. Run by
 * src/bench/run.sh, not by the tests; it prints the figures docs/performance.md records.
 */
public final class WorstCaseBenchmark {

    private static final int MAX_BODY = 3 * 1024 * 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static volatile Object sink;

    /**
     * With {@code write DIR}: writes the reviews for src/bench/hostile.lua (hostile-*.json) and the
     * example policy with the 16 buckets added (policy-hostile.yaml), and measures nothing.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("write")) {
            write(java.nio.file.Path.of(args[1]));
            return;
        }
        PolicyStore store = new PolicyStore();
        store.offer(sixteenBuckets(), "bench");
        MutationEngine engine = new MutationEngine();
        ClusterView cluster = new StaticClusterView(Nodes.readyNodes(1000, Nodes.JARS_READY), Map.of(),
                Map.of("spark-team-a", GuardMode.ENFORCE));
        PodGuard guard = new PodGuard(engine);
        ReviewReader mutateReader = ReviewReader.forMutate(engine.limits());
        ReviewReader validateReader = ReviewReader.forValidate(engine.limits());
        Function<AdmissionRequest, Decision> mutate = r -> engine.decide(r.object(), r.namespace(), store.snapshot(),
                cluster);
        Function<AdmissionRequest, Decision> validate = r -> guard.check(r.object(), r.namespace(), store.inForce(),
                cluster);

        for (String mode : new String[] {"hostpath", "sidecar", "csi"}) {
            measure("/mutate " + mode + " at every limit", review(atTheLimits(mode)), mutateReader, mutate);
        }
        measure("/validate at every limit", review(atTheLimits("sidecar")), validateReader, validate);
        measure("/mutate 100,000 containers (refused)", review(overTheLimits()), mutateReader, mutate);
        measure("/validate 100,000 containers (refused)", review(overTheLimits()), validateReader, validate);
    }

    /**
     * 16 buckets, 60 containers with 16 volume mounts each and every bucket mounted in each, 250
     * volumes, 64 node affinity terms, and the rest of 3 MiB in environment variables (left
     * unread by /mutate, read whole by /validate).
     */
    static ObjectNode atTheLimits(String mode) {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        ((ObjectNode) metadata.get("labels")).remove("s3jars.io/bucket");
        ObjectNode annotations = metadata.withObject("annotations").put("s3jars.io/mode", mode);
        annotations.put("s3jars.io/buckets", String.join(",", BUCKETS));
        ObjectNode spec = (ObjectNode) pod.get("spec");
        ArrayNode terms = spec.withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
        for (int t = 0; t < 64; t++) {
            terms.addObject().putArray("matchExpressions").addObject().put("key", "zone").put("operator", "In")
                    .putArray("values").add("z" + t);
        }
        ArrayNode containers = (ArrayNode) spec.get("containers");
        // No container has a Spark container's name, so every container gets every bucket.
        ((ObjectNode) containers.get(0)).put("name", "main");
        for (int c = 1; c < 60; c++) {
            ObjectNode container = containers.addObject().put("name", "executor-" + c).put("image", "spark:4.1.1");
            ArrayNode mounts = container.putArray("volumeMounts");
            for (int m = 0; m < 16; m++) {
                mounts.addObject().put("name", "spark-local-dir-1").put("mountPath", "/local/" + c + "/" + m);
            }
        }
        for (int v = 0; v < 250; v++) {
            spec.withArray("volumes").addObject().put("name", "v" + v).putObject("emptyDir");
        }
        ArrayNode env = (ArrayNode) ((ObjectNode) containers.get(1)).withArray("env");
        while (pod.toString().length() < MAX_BODY - 64 * 1024) {
            env.addObject().put("name", "PAD_" + env.size()).put("value", "x".repeat(200));
        }
        return pod;
    }

    private static final String[] BUCKETS = new String[16];

    static {
        for (int b = 0; b < BUCKETS.length; b++) {
            BUCKETS[b] = "spark-jars-" + (char) ('a' + b);
        }
    }

    private static void write(java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Files.write(dir.resolve("hostile-hostpath.json"), review(atTheLimits("hostpath")));
        java.nio.file.Files.write(dir.resolve("hostile-sidecar.json"), review(atTheLimits("sidecar")));
        java.nio.file.Files.write(dir.resolve("hostile-over-limits.json"), review(overTheLimits()));
        StringBuilder policy = new StringBuilder(java.nio.file.Files.readString(java.nio.file.Path.of(
                "examples/policy.yaml")).replace("bindings:\n", ""));
        int bindings = policy.indexOf("  - name: team-a-jars");
        StringBuilder buckets = new StringBuilder();
        for (String bucket : BUCKETS) {
            buckets.append("  - {name: ").append(bucket).append(", nodeMountPath: /mnt/").append(bucket).append("}\n");
        }
        policy.insert(bindings, buckets + "bindings:\n  - {namespaces: [spark-team-a], buckets: [" + String.join(", ",
                BUCKETS) + "]}\n");
        java.nio.file.Files.writeString(dir.resolve("policy-hostile.yaml"), policy);
    }

    /** As many buckets as a pod may name, all granted to the namespace. */
    static String sixteenBuckets() {
        StringBuilder policy = new StringBuilder("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: auto, sidecar: {image: registry.example.com/mount-s3:1.21.0}}
                buckets:
                """);
        for (String bucket : BUCKETS) {
            policy.append("  - {name: ").append(bucket).append(", nodeMountPath: /mnt/").append(bucket).append("}\n");
        }
        policy.append("bindings: [{namespaces: [spark-team-a], buckets: [").append(String.join(", ", BUCKETS))
                .append("]}]\n");
        return policy.toString();
    }

    static ObjectNode overTheLimits() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ArrayNode containers = (ArrayNode) pod.at("/spec/containers");
        for (int i = 0; i < 100_000; i++) {
            containers.addObject().put("name", "c" + i);
        }
        return pod;
    }

    static byte[] review(ObjectNode pod) {
        ObjectNode review = Fixtures.JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1")
                .put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "worst").put("operation", "CREATE")
                .put("namespace", "spark-team-a");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("object", pod);
        byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
        if (body.length > MAX_BODY) {
            throw new IllegalStateException("review of " + body.length + " bytes is over the API server's 3 MiB");
        }
        return body;
    }

    private static void measure(String name, byte[] body, ReviewReader reader, Function<AdmissionRequest, Decision> decide)
            throws BadReview {
        String outcome = "";
        for (int i = 0; i < 200; i++) {
            outcome = once(body, reader, decide);
        }
        int runs = 50;
        long[] nanos = new long[runs];
        long[] bytes = new long[runs];
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < runs; i++) {
            long allocated = THREADS.getThreadAllocatedBytes(thread);
            long start = System.nanoTime();
            once(body, reader, decide);
            nanos[i] = System.nanoTime() - start;
            bytes[i] = THREADS.getThreadAllocatedBytes(thread) - allocated;
        }
        Arrays.sort(nanos);
        Arrays.sort(bytes);
        System.out.printf("WORST %-40s body %.2f MiB  %s  median %.1f ms  max %.1f ms  allocated %.1f MiB%n", name,
                body.length / 1048576.0, outcome, nanos[runs / 2] / 1e6, nanos[runs - 1] / 1e6,
                bytes[runs - 1] / 1048576.0);
    }

    private static String once(byte[] body, ReviewReader reader, Function<AdmissionRequest, Decision> decide)
            throws BadReview {
        AdmissionRequest request = AdmissionRequest.parse(body, 0, body.length, reader, "pods");
        Decision decision = decide.apply(request);
        sink = AdmissionResponse.of(request.uid(), decision);
        return decision instanceof Decision.Deny deny ? "denied " + deny.code()
                : decision instanceof Decision.Patch patch ? "patch of " + patch.operations().size() + " ops" : "allowed";
    }
}
