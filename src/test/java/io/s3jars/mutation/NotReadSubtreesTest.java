package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.decision.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The admission reader leaves some subtrees of the pod out of the tree (PodContract lists them),
 * so the engine cannot see them. This fails when any step writes at or below one of them in an
 * existing container or in the pod, on every golden case.
 */
class NotReadSubtreesTest {

    @Test
    void noStepWritesWhereTheReaderLeavesThePodOut() {
        int operations = 0;
        for (GoldenInjectionTest.Case c : GoldenInjectionTest.cases()) {
            Decision decision = new MutationEngine().decide(c.pod(), c.namespace(), Optional.of(c.policy()), c.cluster());
            if (decision instanceof Decision.Patch patch) {
                for (JsonNode operation : patch.operations()) {
                    String path = operation.path("path").asText();
                    assertThat(notRead(path)).as(c.name() + ": " + operation).isEmpty();
                    operations++;
                }
            }
        }
        assertThat(operations).as("the cases must produce operations to check").isGreaterThan(50);
    }

    @Test
    void theCheckCatchesAWriteIntoALeftOutField() {
        assertThat(notRead("/spec/containers/0/env")).contains("containers[].env");
        assertThat(notRead("/spec/initContainers/2/resources/limits")).contains("initContainers[].resources");
        assertThat(notRead("/status/phase")).contains("status");
        assertThat(notRead("/metadata/managedFields/-")).contains("metadata.managedFields");
        assertThat(notRead("/spec/containers/-")).isEmpty();
        assertThat(notRead("/spec/containers/0/volumeMounts/-")).isEmpty();
    }

    /** The left-out field that a JSON Pointer reaches, if any. */
    private static Optional<String> notRead(String pointer) {
        List<String> tokens = new ArrayList<>();
        for (String token : pointer.substring(1).split("/", -1)) {
            tokens.add(token.replace("~1", "/").replace("~0", "~"));
        }
        String dotted = String.join(".", tokens);
        for (String field : PodContract.POD_FIELDS_NOT_READ) {
            if (dotted.equals(field) || dotted.startsWith(field + ".")) {
                return Optional.of(field);
            }
        }
        if (tokens.size() >= 4 && tokens.get(0).equals("spec") && PodContract.CONTAINER_LISTS.contains(tokens.get(1))
                && tokens.get(2).chars().allMatch(Character::isDigit)
                && PodContract.CONTAINER_FIELDS_NOT_READ.contains(tokens.get(3))) {
            return Optional.of(tokens.get(1) + "[]." + tokens.get(3));
        }
        return Optional.empty();
    }
}
