package io.s3jars.guard.baseline;

import java.util.ArrayDeque;
import java.util.Deque;

/** Host paths as the guard compares them. */
public final class HostPaths {

    private HostPaths() {
    }

    /**
     * Lexical normalisation: '//' collapsed, '.' dropped, '..' applied, no trailing '/'; '..' never
     * climbs above '/'. Symbolic links on the node cannot be seen at admission.
     */
    public static String normalize(String path) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }
}
