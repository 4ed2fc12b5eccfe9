package io.s3jars.volumes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The PersistentVolume's name, {@code s3jars-<namespace>-<bucket>}. Two pairs can give the same
 * text (namespace {@code team-a} with bucket {@code jars}, namespace {@code team} with bucket
 * {@code a-jars}), and an object name holds at most 253 characters; {@link #hashed} is the
 * unambiguous fallback, used for the later of two pairs and where the plain name is too long.
 */
public final class VolumeNames {

    static final int MAX_NAME = 253;
    private static final String PREFIX = "s3jars-";
    private static final int HASH_CHARS = 10;

    private VolumeNames() {
    }

    /** {@code s3jars-<namespace>-<bucket>}, or the hashed name where that would be too long. */
    public static String plain(String namespace, String bucket) {
        String name = PREFIX + namespace + "-" + bucket;
        return name.length() <= MAX_NAME ? name : hashed(namespace, bucket);
    }

    /** The plain name, shortened to leave room, with a hash of the pair appended. */
    public static String hashed(String namespace, String bucket) {
        String suffix = "-" + hash(namespace + "/" + bucket);
        String name = PREFIX + namespace + "-" + bucket;
        String head = name.substring(0, Math.min(name.length(), MAX_NAME - suffix.length()));
        // A name must end with a letter or digit, and the head may be cut after '-' or '.'.
        while (head.endsWith("-") || head.endsWith(".")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + suffix;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
