package io.s3jars.policy;

/**
 * A namespace pattern with {@code *} (any run of characters) and {@code ?} (one character).
 * Kept as its text rather than compiled to a regular expression: a compiled {@code Pattern}
 * holds about a kilobyte of tables, and a policy with 10,000 glob bindings held about 9 MiB of them.
 * A policy snapshot matches each namespace against its globs once and remembers the result (see
 * {@link PolicySnapshot}), so a linear scan is cheap enough.
 */
record NamespaceGlob(String pattern) {

    static boolean isGlob(String namespacePattern) {
        return namespacePattern.indexOf('*') >= 0 || namespacePattern.indexOf('?') >= 0;
    }

    /**
     * Greedy match with one remembered star: on a mismatch, the last {@code *} takes one more
     * character and matching resumes after it. Earlier stars never need to be revisited.
     */
    boolean matches(String name) {
        int p = 0;
        int n = 0;
        int lastStar = -1;
        int starTakesUpTo = 0;
        while (n < name.length()) {
            char wanted = p < pattern.length() ? pattern.charAt(p) : 0;
            if (wanted == '*') {
                lastStar = p++;
                starTakesUpTo = n;
            } else if (p < pattern.length() && (wanted == '?' || wanted == name.charAt(n))) {
                p++;
                n++;
            } else if (lastStar >= 0) {
                p = lastStar + 1;
                n = ++starTakesUpTo;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
