package io.s3jars.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NamespaceGlobTest {

    @Test
    void examples() {
        assertThat(new NamespaceGlob("team-*").matches("team-a")).isTrue();
        assertThat(new NamespaceGlob("team-*").matches("team-")).isTrue();
        assertThat(new NamespaceGlob("team-*").matches("team")).isFalse();
        assertThat(new NamespaceGlob("*-prod").matches("a-prod")).isTrue();
        assertThat(new NamespaceGlob("*-prod").matches("a-prod-b")).isFalse();
        assertThat(new NamespaceGlob("a*b*c").matches("abbbcbc")).isTrue();
        assertThat(new NamespaceGlob("a*b*c").matches("abcb")).isFalse();
        assertThat(new NamespaceGlob("team-?").matches("team-1")).isTrue();
        assertThat(new NamespaceGlob("team-?").matches("team-12")).isFalse();
        assertThat(new NamespaceGlob("*").matches("")).isTrue();
        assertThat(new NamespaceGlob("?").matches("")).isFalse();
    }

    /** The meaning that matters is the shell's: the same as this regular expression. */
    @Test
    void agreesWithTheEquivalentRegularExpression() {
        Random random = new Random(7);
        int matched = 0;
        for (int i = 0; i < 50_000; i++) {
            String glob = RandomText.of(random, "ab-*?", 7);
            String name = RandomText.of(random, "ab-", 9);
            Pattern regex = Pattern.compile(glob.replace("*", ".*").replace("?", "."));
            boolean expected = regex.matcher(name).matches();
            assertThat(new NamespaceGlob(glob).matches(name)).as("'%s' against '%s'", glob, name).isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        assertThat(matched).isGreaterThan(1_000);
    }
}
