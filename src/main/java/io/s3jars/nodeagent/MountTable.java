package io.s3jars.nodeagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The mounts the agent's mount namespace sees, from {@code /proc/self/mountinfo}: which paths are
 * mount points, and of what type. Reading it never touches a FUSE file system, so a hung
 * {@code mount-s3} cannot block it (a {@code stat} of the mount point can: see {@link MountCheck}).
 */
final class MountTable {

    static final Path PROC_MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** Mount point to file system type; the last mount on a path wins, as it is the one seen there. */
    static Map<String, String> read(Path mountinfo) throws IOException {
        return parse(Files.readString(mountinfo));
    }

    /** {@code mountinfo(5)}: field 5 is the mount point (octal-escaped), the type follows the " - " separator. */
    static Map<String, String> parse(String mountinfo) {
        Map<String, String> mounts = new HashMap<>();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            int separator = indexOf(fields, "-");
            if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
                continue;
            }
            mounts.put(unescape(fields[4]), fields[separator + 1]);
        }
        return mounts;
    }

    /** Whether the type is a FUSE file system ({@code fuse}, {@code fuse.mount-s3}, {@code fuse.s3fs}, ...). */
    static boolean isFuse(String type) {
        return type.equals("fuse") || type.startsWith("fuse.");
    }

    private static int indexOf(String[] fields, String value) {
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    /** The kernel writes space, tab, newline and backslash as {@code \040}, {@code \011}, {@code \012}, {@code \134}. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
