package io.s3jars.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values from requests cannot forge a log line or flood a message. */
class BoundedTest {

    @Test
    void controlCharactersAreEscapedSoNoValueStartsANewLine() {
        String forged = Bounded.text("x\n2026-01-01 INFO [io.s3jars] forged line\r\t\u0000\u2028");
        assertThat(forged).doesNotContain("\n", "\r", "\t", "\u0000", "\u2028")
                .isEqualTo("x\\n2026-01-01 INFO [io.s3jars] forged line\\r\\t\\u0000\\u2028");
    }

    @Test
    void longValuesAreCutWithAnEllipsis() {
        assertThat(Bounded.text("k".repeat(100_000))).hasSize(Bounded.MAX_CHARS + 3).endsWith("...");
        assertThat(Bounded.message("m".repeat(100_000))).hasSize(Bounded.MAX_MESSAGE_CHARS + 3);
        assertThat(Bounded.text("short")).isEqualTo("short");
    }
}
