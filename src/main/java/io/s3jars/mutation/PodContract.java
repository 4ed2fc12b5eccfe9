package io.s3jars.mutation;

import java.util.List;

/** The labels and annotations users put on pods, the one s3jars writes back, and the parts of a pod it never touches. */
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
    /** Prefix of every volume and container s3jars adds. */
    public static final String NAME_PREFIX = "s3jars-";
    /** At most this many buckets per pod: a mount each is not free, and it bounds the work per request. */
    public static final int MAX_BUCKETS = 16;

    /** The lists of containers in a pod spec. */
    public static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");

    /**
     * Fields of each container that the webhook never reads: the admission reader leaves them out
     * of the tree to save time. No step may write at or below one of them in an existing container,
     * because the engine cannot see what is there: an {@code add} would replace the user's list.
     * {@code NotReadSubtreesTest} fails when a step does.
     */
    public static final List<String> CONTAINER_FIELDS_NOT_READ = List.of("env", "envFrom", "ports", "resources",
            "livenessProbe", "readinessProbe", "startupProbe", "lifecycle");

    /** Parts of the pod the webhook never reads and never writes, for the same reason. */
    public static final List<String> POD_FIELDS_NOT_READ = List.of("metadata.managedFields", "status");

    private PodContract() {
    }
}
