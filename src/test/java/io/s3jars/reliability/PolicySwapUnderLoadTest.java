package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The guard reads the policy and the node mount paths since start together. While policies are
 * swapped under load, every read must hold the policy's own paths, and a pod mounting the node
 * path of a bucket its namespace is not granted must be refused on every answer. A store that
 * published the policy before its paths (two references, set in the wrong order) fails this.
 */
class PolicySwapUnderLoadTest {

    /** Each policy moves the bucket to a new node path that no earlier policy used. */
    private static String policy(int generation) {
        return """
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets: [{name: spark-jars-bucket, nodeMountPath: /mnt/gen-%d}]
                bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket]}]
                """.formatted(generation);
    }

    private static final PodGuard GUARD = new PodGuard(new MutationEngine());
    private static final String BROKEN = "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\nbuckets: 7\n";

    @Test
    void everyReadHoldsThePolicyTogetherWithItsPaths() throws Exception {
        PolicyStore store = new PolicyStore();
        store.offer(policy(0), "generation 0");
        AtomicBoolean swapping = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (swapping.get()) {
                        PolicyStore.InForce inForce = store.inForce();
                        PolicySnapshot policy = inForce.policy().orElseThrow();
                        assertThat(inForce.nodeMountPathsSinceStart()).containsAll(policy.nodeMountPaths());
                        String path = policy.nodeMountPaths().first();
                        ObjectNode pod = Fixtures.podWithHostPath(path);
                        Decision decision = GUARD.check(pod, "spark-team-b", inForce, ClusterView.EMPTY);
                        assertThat(decision).as("a pod mounting " + path).isInstanceOf(Decision.Deny.class);
                        reads++;
                    }
                    return reads;
                }));
            }
            for (int generation = 1; generation <= 3_000; generation++) {
                store.offer(generation % 7 == 0 ? BROKEN : policy(generation), "generation " + generation);
            }
            swapping.set(false);
            int reads = 0;
            for (Future<Integer> reader : readers) {
                reads += reader.get(30, TimeUnit.SECONDS);
            }
            assertThat(reads).isGreaterThan(100);
        } finally {
            pool.shutdownNow();
        }
    }

}
