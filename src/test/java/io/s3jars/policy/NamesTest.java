package io.s3jars.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NamesTest {

    /** The definition from the Kubernetes API conventions, which the hand-written check must agree with. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Test
    void dnsLabelCheckAgreesWithTheKubernetesPattern() {
        List<String> names = new ArrayList<>(List.of("", "a", "-", "a-", "-a", "a-b", "A", "a.b", "a_b", "0", "s3jars-jars",
                "a".repeat(63), "a".repeat(64), "a" + "-".repeat(61) + "b", "é", "a b"));
        Random random = new Random(42);
        String alphabet = "ab09-.A_";
        for (int i = 0; i < 20_000; i++) {
            names.add(RandomText.of(random, alphabet, 65));
        }
        for (String name : names) {
            assertThat(Names.isDnsLabel(name)).as("'%s'", name).isEqualTo(DNS_LABEL.matcher(name).matches());
        }
        assertThat(names).filteredOn(Names::isDnsLabel).hasSizeGreaterThan(100);
    }
}
