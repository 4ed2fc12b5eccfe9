package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Requests read the policy once; flipping it under load must give each answer wholly from one
 * policy or the other. Policy A grants the bucket with hostpath, B grants it with sidecar only,
 * so a mixed read would show as a patch that is neither A's nor B's.
 */
class PolicySwapUnderLoadTest {

    private static final String A = """
            apiVersion: s3jars.io/v1alpha1
            kind: S3JarsPolicy
            defaults: {mode: hostpath, allowModeOverride: false}
            buckets: [{name: spark-jars-bucket}]
            bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
            """;
    private static final String B = """
            apiVersion: s3jars.io/v1alpha1
            kind: S3JarsPolicy
            defaults: {mode: sidecar, allowModeOverride: false, sidecar: {image: registry.example.com/mount-s3:1}}
            buckets: [{name: spark-jars-bucket, nodeMountPath: /mnt/other}]
            bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
            """;
    private static final String BROKEN = "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\nbuckets: 7\n";

    @Test
    void everyAnswerComesWhollyFromOnePolicy() throws Exception {
        PolicyStore store = new PolicyStore();
        store.offer(A, "A");
        MutationEngine engine = new MutationEngine();
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        String patchA = patch(engine.decide(pod, "spark-team-a", Optional.of(Fixtures.policy(A)), ClusterView.EMPTY));
        String patchB = patch(engine.decide(pod, "spark-team-a", Optional.of(Fixtures.policy(B)), ClusterView.EMPTY));
        assertThat(patchA).isNotEqualTo(patchB);

        AtomicBoolean flipping = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                workers.add(pool.submit(() -> {
                    int[] seen = new int[2];
                    while (flipping.get()) {
                        String patch = patch(engine.decide(pod, "spark-team-a", store.snapshot(), ClusterView.EMPTY));
                        if (patch.equals(patchA)) {
                            seen[0]++;
                        } else if (patch.equals(patchB)) {
                            seen[1]++;
                        } else {
                            throw new AssertionError("mixed answer: " + patch);
                        }
                    }
                    return seen;
                }));
            }
            for (int flip = 0; flip < 2_000; flip++) {
                store.offer(flip % 3 == 2 ? BROKEN : flip % 2 == 0 ? B : A, "flip " + flip);
            }
            flipping.set(false);
            int a = 0;
            int b = 0;
            for (Future<int[]> worker : workers) {
                int[] seen = worker.get(30, TimeUnit.SECONDS);
                a += seen[0];
                b += seen[1];
            }
            System.out.printf("policy swaps under load: %d answers from A, %d from B, 0 mixed or failed%n", a, b);
            assertThat(a + b).isGreaterThan(100);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String patch(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Patch.class);
        return ((Decision.Patch) decision).operations().toString();
    }
}
