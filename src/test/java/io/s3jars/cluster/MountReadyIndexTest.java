package io.s3jars.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MountReadyIndexTest {

    private static final Map<String, String> A = Map.of("mountpoint.s3jars.io/a", "ready");
    private static final Map<String, String> AB = Map.of("mountpoint.s3jars.io/a", "ready", "mountpoint.s3jars.io/b", "ready");
    private static final List<Toleration> SPOT = List.of(new Toleration("spot", "Exists", null, null));

    /** The index must always agree with a plain scan, whatever order nodes come and go in. */
    @Test
    void agreesWithAScanUnderRandomChurn() {
        Random random = new Random(42);
        MountReadyIndex index = new MountReadyIndex();
        Map<String, NodeSummary> truth = new java.util.HashMap<>();
        index.mountReadyNodes(A, List.of());
        for (int step = 0; step < 5_000; step++) {
            String name = "node-" + random.nextInt(50);
            if (random.nextInt(10) == 0) {
                index.remove(name);
                truth.remove(name);
            } else {
                NodeSummary node = randomNode(name, random);
                index.upsert(node);
                truth.put(name, node);
            }
            if (step % 97 == 0) {
                for (Map<String, String> labels : List.of(A, AB)) {
                    for (List<Toleration> tolerations : List.of(List.<Toleration>of(), SPOT)) {
                        long expected = truth.values().stream().filter(n -> n.mountReadyFor(labels, tolerations)).count();
                        assertThat(index.mountReadyNodes(labels, tolerations)).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** A node updated in place (here a new zone label) must never read as gone, even for an instant. */
    @Test
    void readersNeverSeeAnUpdatedNodeMissing() throws Exception {
        MountReadyIndex index = MountReadyIndex.of(java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> readyNode("node-" + i, "zone-0")).toList());
        assertThat(index.mountReadyNodes(A, List.of())).isEqualTo(100);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                index.upsert(readyNode("node-" + (i % 100), "zone-" + i));
            }
        });
        writer.start();
        try {
            for (int read = 0; read < 200_000; read++) {
                assertThat(index.mountReadyNodes(A, List.of())).isEqualTo(100);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    private static NodeSummary readyNode(String name, String zone) {
        return new NodeSummary(name, Map.of("mountpoint.s3jars.io/a", "ready", "topology.kubernetes.io/zone", zone),
                true, false, List.of());
    }

    private static NodeSummary randomNode(String name, Random random) {
        Map<String, String> labels = new java.util.HashMap<>();
        if (random.nextBoolean()) {
            labels.put("mountpoint.s3jars.io/a", random.nextInt(4) == 0 ? "broken" : "ready");
        }
        if (random.nextBoolean()) {
            labels.put("mountpoint.s3jars.io/b", "ready");
        }
        List<Taint> taints = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            taints.add(new Taint("spot", "", "NoSchedule"));
        }
        if (random.nextInt(8) == 0) {
            taints.add(new Taint("gpu", "true", "NoExecute"));
        }
        return new NodeSummary(name, labels, random.nextInt(6) != 0, random.nextInt(8) == 0, taints);
    }
}
