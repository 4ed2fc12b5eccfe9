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

    public static String text(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 8);
        for (int i = 0; i < value.length(); i++) {
            if (out.length() >= MAX_CHARS) {
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
