package io.s3jars.guard.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Kubernetes' own Pod Security baseline fixtures for v1.37 (src/test/resources/pod-security) as the
 * oracle: every pass pod passes s3jars' guard in an s3jars namespace, and every fail pod fails it
 * with the violations Pod Security itself reports, word for word.
 */
class BaselineFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/pod-security/baseline");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ClusterView S3JARS_NAMESPACE = new StaticClusterView(List.of(), Map.of(),
            Map.of("s3jars-ns", GuardMode.ENFORCE));
    private static final PodGuard GUARD = new PodGuard(new MutationEngine());

    @TestFactory
    Stream<DynamicTest> passPodsPass() throws IOException {
        return fixtures("pass").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ObjectNode pod = read(file);
            assertThat(Baseline.check(GuardedPod.of(pod, java.util.Set.of(), java.util.Set.of()), List.of())).isEmpty();
            assertThat(GUARD.check(pod, "s3jars-ns", inForce(), S3JARS_NAMESPACE)).isInstanceOf(Decision.Skip.class);
        }));
    }

    @TestFactory
    Stream<DynamicTest> failPodsFailWithPodSecuritysOwnWords() throws IOException {
        Map<String, String> expected = expectedMessages();
        return fixtures("fail").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString().replace(".yaml", "");
            ObjectNode pod = read(file);
            String actual = Baseline.check(GuardedPod.of(pod, java.util.Set.of(), java.util.Set.of()), List.of())
                    .stream().map(Violation::toString).collect(Collectors.joining(", "));
            assertThat(actual).isEqualTo(expected.get(name));
            Decision verdict = GUARD.check(pod, "s3jars-ns", inForce(), S3JARS_NAMESPACE);
            assertThat(verdict).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) verdict).reason()).contains(expected.get(name));
        }));
    }

    @Test
    void everyFailFixtureHasItsMessageAndThereAreEnough() throws IOException {
        Map<String, String> expected = expectedMessages();
        List<String> names = fixtures("fail").map(f -> f.getFileName().toString().replace(".yaml", "")).toList();
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(names).hasSizeGreaterThanOrEqualTo(30);
        assertThat(fixtures("pass").count()).isGreaterThanOrEqualTo(10);
    }

    private static Stream<Path> fixtures(String kind) throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    private static ObjectNode read(Path file) throws IOException {
        return (ObjectNode) YAML.readTree(file.toFile());
    }

    private static Map<String, String> expectedMessages() throws IOException {
        Map<String, String> messages = new HashMap<>();
        for (String line : Files.readAllLines(FIXTURES.resolve("expected-messages.tsv"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] parts = line.split("\t", 2);
                messages.put(parts[0], parts[1]);
            }
        }
        return messages;
    }

    private static PolicyStore.InForce inForce() {
        PolicyStore store = new PolicyStore();
        store.offer(Fixtures.resource("/policy/test-policy.yaml"), "test");
        return store.inForce();
    }
}
