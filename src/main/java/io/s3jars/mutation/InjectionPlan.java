package io.s3jars.mutation;

import io.s3jars.policy.Defaults;
import io.s3jars.policy.Mode;
import io.s3jars.policy.Bucket;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the steps need, decided before any of them runs: the steps only carry it out.
 *
 * @param mode   {@link Mode#HOSTPATH} or {@link Mode#SIDECAR}, never auto
 * @param reason why this mode, for the warning and the status annotation
 */
public record InjectionPlan(Mode mode, String reason, List<BucketMount> mounts, Defaults defaults) {

    public InjectionPlan {
        if (mode == Mode.AUTO) {
            throw new IllegalArgumentException("a plan has a concrete mode");
        }
        mounts = List.copyOf(mounts);
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
