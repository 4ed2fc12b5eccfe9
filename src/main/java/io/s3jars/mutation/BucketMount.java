package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One bucket as this pod will see it. The names of what s3jars adds derive from the bucket
 * alone, so a second pass over the pod finds them again.
 *
 * @param containerPath where the Spark containers see the bucket
 */
public record BucketMount(Bucket bucket, String containerPath) {

    /** A dash and eight hex digits. */
    private static final int HASH_SUFFIX = 9;

    public String volumeName() {
        return dnsLabel(PodContract.NAME_PREFIX + bucket.name());
    }

    public String cacheVolumeName() {
        return dnsLabel(PodContract.NAME_PREFIX + "cache-" + bucket.name());
    }

    public String sidecarName() {
        return dnsLabel(PodContract.NAME_PREFIX + "mount-" + bucket.name());
    }

    /** The read-only mount of this bucket's volume in a Spark container, the same in every mode. */
    public ObjectNode sparkContainerMount() {
        return JsonNodeFactory.instance.objectNode()
                .put("name", volumeName())
                .put("mountPath", containerPath)
                .put("readOnly", true)
                .put("mountPropagation", "HostToContainer");
    }

    /**
     * Volume and container names are DNS labels; bucket names may hold dots and run to 63
     * characters. A name that had to change (dots to dashes, cut to 63) gets a hash of the
     * original, so {@code a.b} and {@code a-b} in one pod get different volumes.
     */
    static String dnsLabel(String base) {
        if (Names.isDnsLabel(base)) {
            return base;
        }
        String name = base.replace('.', '-');
        String head = name.substring(0, Math.min(name.length(), 63 - HASH_SUFFIX)).replaceAll("-+$", "");
        return head + "-" + sha256(base).substring(0, HASH_SUFFIX - 1);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
