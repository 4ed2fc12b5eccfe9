package io.s3jars.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.Arrays;
import java.util.List;

/** {@code inject --diff}: what s3jars changes in one object, as {@code diff -u} shows it. */
final class ObjectDiff {

    /** Lines of context around each change, as {@code diff -u}. */
    private static final int CONTEXT = 3;

    private ObjectDiff() {
    }

    /** The unified diff of {@code before} and {@code after}; empty when s3jars changes nothing. */
    static String unified(String name, String before, String after) {
        List<String> original = Arrays.asList(before.split("\n", -1));
        List<String> revised = Arrays.asList(after.split("\n", -1));
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(name + " (input)", name + " (s3jars)", original,
                DiffUtils.diff(original, revised), CONTEXT);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
