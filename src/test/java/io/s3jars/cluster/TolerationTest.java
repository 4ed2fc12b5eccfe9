package io.s3jars.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The scheduler's toleration rules, one row each: toleration, taint, tolerated. */
class TolerationTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                row("Exists, empty key, any effect: every taint", new Toleration("", "Exists", null, null),
                        new Taint("dedicated", "spark", "NoSchedule"), true),
                row("Exists, null key: every taint", new Toleration(null, "Exists", null, null),
                        new Taint("node.kubernetes.io/unreachable", null, "NoExecute"), true),
                row("empty effect matches NoSchedule", new Toleration("dedicated", "Equal", "spark", ""),
                        new Taint("dedicated", "spark", "NoSchedule"), true),
                row("empty effect matches NoExecute", new Toleration("dedicated", "Equal", "spark", null),
                        new Taint("dedicated", "spark", "NoExecute"), true),
                row("Equal with another value fails", new Toleration("dedicated", "Equal", "batch", "NoSchedule"),
                        new Taint("dedicated", "spark", "NoSchedule"), false),
                row("Equal with the same value passes", new Toleration("dedicated", "Equal", "spark", "NoSchedule"),
                        new Taint("dedicated", "spark", "NoSchedule"), true),
                row("NoSchedule toleration vs NoExecute taint fails",
                        new Toleration("dedicated", "Equal", "spark", "NoSchedule"),
                        new Taint("dedicated", "spark", "NoExecute"), false),
                row("Exists with a key matches any value", new Toleration("dedicated", "Exists", null, "NoSchedule"),
                        new Taint("dedicated", "anything", "NoSchedule"), true),
                row("Exists with a key matches no value", new Toleration("dedicated", "Exists", null, null),
                        new Taint("dedicated", null, "NoExecute"), true),
                row("Exists with a key does not match another key", new Toleration("dedicated", "Exists", null, null),
                        new Taint("gpu", "true", "NoSchedule"), false),
                row("operator absent means Equal: same value passes", new Toleration("dedicated", null, "spark", null),
                        new Taint("dedicated", "spark", "NoSchedule"), true),
                row("operator absent means Equal: another value fails", new Toleration("dedicated", null, "spark", null),
                        new Taint("dedicated", "batch", "NoSchedule"), false),
                row("operator absent, no value: matches only an empty taint value",
                        new Toleration("dedicated", null, null, null), new Taint("dedicated", "spark", "NoSchedule"),
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void tolerates(String row, Toleration toleration, Taint taint, boolean tolerated) {
        assertThat(toleration.tolerates(taint)).as(row).isEqualTo(tolerated);
    }

    private static Arguments row(String name, Toleration toleration, Taint taint, boolean tolerated) {
        return Arguments.of(name, toleration, taint, tolerated);
    }
}
