package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One bucket as this pod will see it. The names of what s3jars adds derive from the bucket
 * alone, so a second pass over the pod finds them again.
 *
 * <p>Each name is {@code s3jars-<role>-<bucket>}: the volume {@code s3jars-mnt-<bucket>}, the cache
 * volume {@code s3jars-cache-<bucket>} and the sidecar container {@code s3jars-mount-<bucket>}.
 * When that is not a DNS label (the bucket has dots, or the name would pass 63 characters) it
 * becomes {@code s3jars-<role>--<head>-<hash>}: a second '-' as a marker, the bucket with dots
 * turned to dashes and cut to fit, and 8 hex digits of the SHA-256 of the plain name. Why two
 * buckets of one pod never share a name:
 * <ul>
 *   <li>Across roles: a volume and a cache volume differ at character 8, 'm' against 'c'.
 *       Containers are names of another kind, which volume names cannot meet.</li>
 *   <li>Within a role, plain names: the role's prefix followed by the bucket, so different
 *       buckets give different names.</li>
 *   <li>Plain against hashed: after the prefix, a plain name has the bucket's first character, a
 *       letter or digit (S3 bucket names start with one); a hashed name has the marker '-'.</li>
 *   <li>Hashed against hashed: different heads differ; buckets with the same head (dots against
 *       dashes, or a long shared start) differ in the hash of their different plain names. This
 *       case rests on the hash, not on a proof: no scheme can be injective here, as there are more
 *       63-character bucket names than 63-character labels after a prefix, and names built to
 *       collide in 8 hex digits are found in seconds. So {@link #nameClash} checks each pod's
 *       names, and a pod whose buckets would share one is denied: two buckets never share a
 *       volume or a container silently.</li>
 * </ul>
 *
 * @param containerPath where the Spark containers see the bucket
 */
public record BucketMount(Bucket bucket, String containerPath) {

    /** Role of the volume the bucket is mounted on. */
    static final String VOLUME = "mnt";
    /** Role of mount-s3's cache volume in sidecar mode. */
    static final String CACHE = "cache";
    /** Role of the sidecar container. */
    static final String SIDECAR = "mount";

    private static final int HASH_DIGITS = 8;

    public String volumeName() {
        return name(VOLUME, bucket.name());
    }

    public String cacheVolumeName() {
        return name(CACHE, bucket.name());
    }

    public String sidecarName() {
        return name(SIDECAR, bucket.name());
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
     * What two of a pod's buckets would share, if anything: a volume name or a container name.
     * Only a clash of hashes can cause it (see the class comment).
     */
    static Optional<String> nameClash(List<BucketMount> mounts) {
        Map<String, String> volumes = new HashMap<>();
        Map<String, String> containers = new HashMap<>();
        for (BucketMount mount : mounts) {
            String bucket = mount.bucket().name();
            for (String volume : List.of(mount.volumeName(), mount.cacheVolumeName())) {
                String other = volumes.putIfAbsent(volume, bucket);
                if (other != null) {
                    return Optional.of(clash(other, bucket, "volume", volume));
                }
            }
            String other = containers.putIfAbsent(mount.sidecarName(), bucket);
            if (other != null) {
                return Optional.of(clash(other, bucket, "container", mount.sidecarName()));
            }
        }
        return Optional.empty();
    }

    private static String clash(String first, String second, String kind, String name) {
        return "buckets " + first + " and " + second + " would share the " + kind + " name " + name + " (their long or"
                + " dotted names are shortened with a hash, and the hashes clash); ask for them in separate pods";
    }

    /** The name of {@code role} for {@code bucket}, as the class comment describes. */
    static String name(String role, String bucket) {
        String prefix = PodContract.NAME_PREFIX + role + "-";
        String plain = prefix + bucket;
        if (Names.isDnsLabel(plain)) {
            return plain;
        }
        String marked = prefix + "-";
        String head = bucket.replace('.', '-');
        head = head.substring(0, Math.min(head.length(), 63 - marked.length() - 1 - HASH_DIGITS)).replaceAll("-+$", "");
        return marked + head + "-" + sha256(plain).substring(0, HASH_DIGITS);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
