package io.s3jars.policy;

/**
 * A host path the platform team lets every pod of an s3jars namespace mount, with
 * PodSecurityPolicy's names: Spark local dirs on node NVMe are the common case.
 *
 * @param pathPrefix an absolute, normalised path; the hostPath must be it or below it, by whole segments
 * @param readOnly   when true, every container must mount such a volume read-only
 */
public record AllowedHostPath(String pathPrefix, boolean readOnly) {

    /** True when {@code path} (normalised) is the prefix or below it: {@code /local1} allows {@code /local1/x}, not {@code /local10}. */
    public boolean covers(String path) {
        return path.equals(pathPrefix) || path.startsWith(pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/");
    }
}
