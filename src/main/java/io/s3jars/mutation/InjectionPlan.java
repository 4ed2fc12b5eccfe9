package io.s3jars.mutation;

import io.s3jars.policy.Bucket;
import io.s3jars.policy.Defaults;
import io.s3jars.policy.Mode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the steps need, decided before any of them runs: the steps only carry it out.
 *
 * @param mode     a concrete mode, never auto
 * @param reason   why this mode, for the status annotation
 * @param warnings what the pod's author should know about the choice (an ignored annotation, no
 *                 mount-ready node yet), returned to the client with the answer
 */
public record InjectionPlan(Mode mode, String reason, List<BucketMount> mounts, Defaults defaults,
        List<String> warnings) {

    public InjectionPlan {
        if (!mode.isConcrete()) {
            throw new IllegalArgumentException("a plan has a concrete mode, not " + mode.label());
        }
        mounts = List.copyOf(mounts);
        warnings = List.copyOf(warnings);
    }

    /** A plan with nothing to warn about. */
    public InjectionPlan(Mode mode, String reason, List<BucketMount> mounts, Defaults defaults) {
        this(mode, reason, mounts, defaults, List.of());
    }

    /** The labels of all buckets, sorted for a stable patch. The mode choice made sure they agree on shared keys. */
    public Map<String, String> mountReadyLabels() {
        return mountReadyLabels(mounts.stream().map(BucketMount::bucket).toList());
    }

    static Map<String, String> mountReadyLabels(List<Bucket> buckets) {
        Map<String, String> labels = new TreeMap<>();
        buckets.forEach(b -> labels.putAll(b.mountReadyLabels()));
        return labels;
    }

    public List<String> bucketNames() {
        return mounts.stream().map(m -> m.bucket().name()).toList();
    }
}
