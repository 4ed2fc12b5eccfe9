package io.s3jars.mutation;

import io.s3jars.policy.Defaults;
import io.s3jars.policy.Mode;
import java.util.List;

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

    public List<String> bucketNames() {
        return mounts.stream().map(m -> m.bucket().name()).toList();
    }
}
