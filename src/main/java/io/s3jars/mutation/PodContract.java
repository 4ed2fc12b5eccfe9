package io.s3jars.mutation;

/** The labels and annotations users put on pods, and the one s3jars writes back. */
public final class PodContract {

    /** Set by Spark on every driver and executor pod: {@code driver} or {@code executor}. */
    public static final String SPARK_ROLE = "spark-role";
    /** Opt-in label: {@code "true"} injects, anything else leaves the pod alone. */
    public static final String INJECT = "s3jars.io/inject";
    /** One bucket, as a label. */
    public static final String BUCKET = "s3jars.io/bucket";
    /** Several buckets, comma separated, as an annotation. */
    public static final String BUCKETS = "s3jars.io/buckets";
    /** Per-pod mode override, {@code hostpath|sidecar|auto}, when the policy allows it. */
    public static final String MODE = "s3jars.io/mode";
    /** Written by s3jars: what was injected. */
    public static final String STATUS = "s3jars.io/status";
    /** Namespace label that opts a namespace in (used by the webhook configuration's namespaceSelector). */
    public static final String NAMESPACE_INJECTION = "s3jars.io/injection";
    /** Prefix of every volume and container s3jars adds. */
    public static final String NAME_PREFIX = "s3jars-";
    /** At most this many buckets per pod: a mount each is not free, and it bounds the work per request. */
    public static final int MAX_BUCKETS = 16;

    private PodContract() {
    }
}
