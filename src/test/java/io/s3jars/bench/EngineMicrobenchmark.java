package io.s3jars.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.admission.AdmissionRequest;
import io.s3jars.admission.AdmissionResponse;
import io.s3jars.admission.BadReview;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The in-process cost of one admission of the real Spark executor, without HTTP: the engine alone,
 * and the whole request path (parse the review bytes, decide, write the response bytes). A plain
 * timing loop after warm-up; run by src/bench/run.sh, not by the tests.
 */
public final class EngineMicrobenchmark {

    private static volatile Object sink;

    public static void main(String[] args) throws BadReview {
        PolicySnapshot policy = Fixtures.examplePolicy();
        ClusterView cluster = StaticClusterView.ofNodes(Nodes.readyNodes(1000, Nodes.JARS_READY));
        MutationEngine engine = new MutationEngine();
        ObjectNode executor = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ObjectNode defaulted = Fixtures.withApiServerDefaults(executor);
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);

        measure("engine, executor pod, hostpath", () -> engine.decide(executor, "spark-team-a", Optional.of(policy), cluster));
        measure("engine, executor with API-server defaults", () -> engine.decide(defaulted, "spark-team-a",
                Optional.of(policy), cluster));
        measure("engine, executor pod, sidecar", () -> engine.decide(executor, "spark-team-a", Optional.of(policy),
                ClusterView.EMPTY));
        measure("parse review + engine + write response", () -> {
            try {
                AdmissionRequest request = AdmissionRequest.parse(review, "pods");
                Decision decision = engine.decide(request.object(), request.namespace(), Optional.of(policy), cluster);
                return AdmissionResponse.of(request.uid(), decision);
            } catch (BadReview e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void measure(String name, java.util.function.Supplier<Object> work) {
        for (int i = 0; i < 200_000; i++) {
            sink = work.get();
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            sink = work.get();
        }
        long bytesPerOp = (threads.getCurrentThreadAllocatedBytes() - allocatedBefore) / 1_000;
        int rounds = 5;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            int iterations = 100_000;
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                sink = work.get();
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) iterations);
        }
        System.out.printf("%-45s %8.1f us/op (best of %d rounds of 100,000) %8.1f KiB allocated/op%n", name,
                best / 1000, rounds, bytesPerOp / 1024.0);
    }
}
