package io.s3jars.volumes;

import io.s3jars.policy.Bucket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bucket's static PersistentVolume and claim that s3jars keeps in one namespace, for csi mode.
 * What it holds comes from the policy only: the volume mounts the bucket read-only with the
 * bucket's region, prefix, file owner and cache, and binds only this namespace's claim.
 */
public record WantedVolume(String namespace, Bucket bucket) {

    /** Kubernetes wants a size on both; the driver ignores it. */
    public static final String STORAGE = "1Gi";

    /** The claim in {@link #namespace()}: the bucket's claim name, {@code s3jars-<bucket>}. */
    public String claimName() {
        return bucket.csi().claimName();
    }

    /** Unique in the cluster, and unambiguous: namespaces hold no dot, so the first one ends it. */
    public String volumeHandle() {
        return "s3jars." + namespace + "." + bucket.name();
    }

    /**
     * Mountpoint's options, as the driver passes them to mount-s3: read-only whatever the pod asks,
     * files owned by the Spark user (the bucket's {@code sidecar.uid}/{@code gid}, 185 by default)
     * and readable by it ({@code allow-other}), and metadata cached for good, since jars are
     * written once under new names.
     */
    public List<String> mountOptions() {
        List<String> options = new ArrayList<>(List.of("read-only", "allow-other", "metadata-ttl indefinite",
                "uid=" + bucket.sidecar().uid(), "gid=" + bucket.sidecar().gid()));
        bucket.region().ifPresent(region -> options.add("region " + region));
        bucket.prefix().ifPresent(prefix -> options.add("prefix " + prefix));
        return options;
    }

    /**
     * The driver's volume attributes: the bucket, and (driver v2) a local cache in an emptyDir of the
     * bucket's {@code sidecar.cacheSizeMiB}, the same pod-level cache the sidecar would have.
     */
    public Map<String, String> volumeAttributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("bucketName", bucket.name());
        attributes.put("cache", "emptyDir");
        attributes.put("cacheEmptyDirSizeLimit", bucket.sidecar().cacheSizeMiB() + "Mi");
        return attributes;
    }
}
