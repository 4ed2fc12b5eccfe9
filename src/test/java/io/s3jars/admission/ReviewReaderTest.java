package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.GoldenInjectionTest;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ReviewReaderTest {

    private static final ReviewReader EVERYTHING = new ReviewReader(null);
    private static final ReviewReader SKIPPING = new ReviewReader(ReviewReader.NOT_READ);
    private static final List<String> REVIEWS = List.of("review-a-driver.json", "review-b-executor-1.json",
            "review-f-executor-podtemplate-tolerations.json");

    /**
     * The guard on the list of left-out parts: every golden case, and the engine's second pass
     * over its own output, decides the same on the full pod and on the pod as the webhook reads it.
     */
    @TestFactory
    Stream<DynamicTest> everyGoldenDecisionIsTheSameWithoutTheLeftOutParts() {
        return GoldenInjectionTest.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            byte[] review = review(c.pod(), c.namespace());
            Decision full = decide(EVERYTHING, review, c);
            Decision skipped = decide(SKIPPING, review, c);
            assertThat(comparable(skipped)).isEqualTo(comparable(full));
            if (full instanceof Decision.Patch patch) {
                byte[] again = review(Fixtures.apply(patch.operations(), c.pod()), c.namespace());
                Decision second = decide(SKIPPING, again, c);
                assertThat(comparable(second)).isEqualTo(comparable(decide(EVERYTHING, again, c)));
                assertThat(((Decision.Patch) second).changesPod()).as("second pass changes nothing").isFalse();
            }
        }));
    }

    @Test
    void withNothingLeftOutTheTreeIsJacksons() throws IOException {
        for (String name : REVIEWS) {
            byte[] review = bytes(Fixtures.resource("/spark-pods/" + name));
            assertThat(EVERYTHING.read(review, 0, review.length)).isEqualTo(Fixtures.JSON.readTree(review));
        }
        byte[] scalars = bytes("{\"i\":1,\"l\":12345678901,\"b\":123456789012345678901234567890,\"d\":1.5,\"e\":-2e3,"
                + "\"t\":true,\"f\":false,\"n\":null,\"s\":\"é\\u0041\",\"a\":[[],{}]}");
        assertThat(EVERYTHING.read(scalars, 0, scalars.length)).isEqualTo(Fixtures.JSON.readTree(scalars));
    }

    @Test
    void leavesOutOnlyTheListedParts() throws IOException {
        byte[] review = bytes(Fixtures.resource("/spark-pods/review-b-executor-1.json"));
        ObjectNode expected = (ObjectNode) Fixtures.JSON.readTree(review);
        ObjectNode request = (ObjectNode) expected.get("request");
        assertThat(request.has("userInfo") && request.has("oldObject") && request.has("options")).isTrue();
        request.remove(List.of("userInfo", "oldObject", "options"));
        ObjectNode container = (ObjectNode) request.at("/object/spec/containers/0");
        assertThat(container.has("env") && container.has("resources") && container.has("ports")).isTrue();
        container.remove(List.of("env", "resources", "ports"));

        JsonNode read = SKIPPING.read(review, 0, review.length);

        assertThat(read).isEqualTo(expected);
        assertThat(read.at("/request/object/spec/containers/0/volumeMounts").size()).isPositive();
    }

    @Test
    void leftOutPartsMustStillBeWellFormed() {
        String broken = "{\"request\":{\"userInfo\":{\"groups\":[\"a\",}}}";
        assertThatThrownBy(() -> read(SKIPPING, broken)).isInstanceOf(IOException.class);
    }

    @Test
    void refusesDuplicateKeysWhereTheyAreRead() throws IOException {
        assertThatThrownBy(() -> read(SKIPPING, "{\"request\":{\"object\":{\"metadata\":{\"labels\":{\"a\":\"1\",\"a\":\"2\"}}}}}"))
                .hasMessageContaining("duplicate key 'a'").hasMessageContaining("once per object");
        // Inside a left-out part nothing reads the key, so nobody can be misled by it.
        assertThat(read(SKIPPING, "{\"request\":{\"userInfo\":{\"a\":1,\"a\":2}}}").path("request").size()).isZero();
    }

    @Test
    void refusesDataAfterTheDocument() {
        assertThatThrownBy(() -> read(SKIPPING, "{} {}")).hasMessageContaining("after the JSON document");
        assertThatThrownBy(() -> read(SKIPPING, "{}]")).isInstanceOf(IOException.class);
    }

    @Test
    void anEmptyBodyIsNoDocument() throws IOException {
        assertThat(read(SKIPPING, "  ")).isNull();
    }

    private static Decision decide(ReviewReader reader, byte[] review, GoldenInjectionTest.Case c) throws IOException {
        ObjectNode pod = (ObjectNode) reader.read(review, 0, review.length).at("/request/object");
        return new MutationEngine().decide(pod, c.namespace(), Optional.of(c.policy()), c.cluster());
    }

    /** A patch's resulting pod is built from what was read, so it differs by design; the rest must not. */
    private static Object comparable(Decision decision) {
        return decision instanceof Decision.Patch p
                ? List.of(p.operations(), p.mode(), p.buckets(), p.warnings())
                : decision;
    }

    private static byte[] review(JsonNode pod, String namespace) throws IOException {
        ObjectNode review = (ObjectNode) Fixtures.JSON.readTree(Fixtures.resource("/spark-pods/review-b-executor-1.json"));
        ((ObjectNode) review.get("request")).put("namespace", namespace).set("object", pod);
        return Fixtures.JSON.writeValueAsBytes(review);
    }

    private static JsonNode read(ReviewReader reader, String json) throws IOException {
        byte[] bytes = bytes(json);
        return reader.read(bytes, 0, bytes.length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
