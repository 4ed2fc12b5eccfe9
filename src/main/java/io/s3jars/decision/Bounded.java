package io.s3jars.decision;

/**
 * Text that came from a pod, a review or a policy, made safe to put in a log line, a denial, a
 * warning or an annotation: control characters are escaped (a newline cannot forge a log line)
 * and the text is cut to {@link #MAX_CHARS} characters with an ellipsis (a 100 KB label key
 * cannot fill a response).
 */
public final class Bounded {

    public static final int MAX_CHARS = 256;

    private Bounded() {
    }

    /** A composed message (a denial, a reason): longer than a value, escaped alike. */
    public static final int MAX_MESSAGE_CHARS = 4096;

    /** A denial or warning that quotes values: kept whole up to {@link #MAX_MESSAGE_CHARS}, then cut. */
    public static String message(String value) {
        return bounded(value, MAX_MESSAGE_CHARS);
    }

    public static String text(String value) {
        return bounded(value, MAX_CHARS);
    }

    private static String bounded(String value, int max) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
        for (int i = 0; i < value.length(); i++) {
            if (out.length() >= max) {
                return out.append("...").toString();
            }
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                out.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
