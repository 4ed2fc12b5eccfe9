package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import java.util.List;
import java.util.Optional;

/**
 * How big a pod s3jars reviews. The API server lets a 3 MiB pod through to a mutating webhook
 * before validating it, so one tenant could otherwise make one review cost seconds and hundreds
 * of megabytes. Checked before any other work, by counting list sizes only; the defaults are
 * generous: a Spark driver or executor has one or two containers, a handful of volumes and mounts.
 *
 * @param maxContainers      containers, initContainers and ephemeralContainers together
 * @param maxVolumes         entries of {@code spec.volumes}
 * @param maxVolumeMounts    volume mounts over all containers together
 * @param maxPatchOperations JSON Patch operations in one answer
 * @param maxSchedulingTerms required node affinity terms, tolerations, and nodeSelector entries, each
 */
public record PodLimits(int maxContainers, int maxVolumes, int maxVolumeMounts, int maxPatchOperations,
        int maxSchedulingTerms) {

    public static final PodLimits DEFAULT = new PodLimits(64, 256, 1024, 4096, 64);

    /** The limits with the default bound on scheduling terms. */
    public PodLimits(int maxContainers, int maxVolumes, int maxVolumeMounts, int maxPatchOperations) {
        this(maxContainers, maxVolumes, maxVolumeMounts, maxPatchOperations, DEFAULT.maxSchedulingTerms());
    }

    /** Where the pod's required node affinity terms are. */
    public static final List<String> NODE_SELECTOR_TERMS = List.of("affinity", "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");

    private static final List<String> CONTAINER_LISTS = PodContract.CONTAINER_LISTS;

    /** The denial of a pod over a limit, naming the limit and its setting; empty within them. */
    public Optional<Decision.Deny> check(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        int containers = 0;
        int mounts = 0;
        for (String list : CONTAINER_LISTS) {
            JsonNode array = spec.path(list);
            if (array.isArray()) {
                containers += array.size();
                if (containers > maxContainers) {
                    return over("containers, initContainers and ephemeralContainers", containers, maxContainers,
                            "S3JARS_LIMITS_MAX_CONTAINERS");
                }
                for (JsonNode container : array) {
                    JsonNode containerMounts = container.path("volumeMounts");
                    mounts += containerMounts.isArray() ? containerMounts.size() : 0;
                }
            }
        }
        if (mounts > maxVolumeMounts) {
            return over("volume mounts", mounts, maxVolumeMounts, "S3JARS_LIMITS_MAX_VOLUME_MOUNTS");
        }
        JsonNode volumes = spec.path("volumes");
        if (volumes.isArray() && volumes.size() > maxVolumes) {
            return over("volumes", volumes.size(), maxVolumes, "S3JARS_LIMITS_MAX_VOLUMES");
        }
        JsonNode terms = spec;
        for (String field : NODE_SELECTOR_TERMS) {
            terms = terms.path(field);
        }
        for (JsonNode scheduling : List.of(terms, spec.path("tolerations"), spec.path("nodeSelector"))) {
            if (scheduling.size() > maxSchedulingTerms) {
                return over("node affinity terms, tolerations or nodeSelector entries", scheduling.size(),
                        maxSchedulingTerms, "S3JARS_LIMITS_MAX_SCHEDULING_TERMS");
            }
        }
        return Optional.empty();
    }

    /** The denial of a patch over the limit on operations. */
    Optional<Decision.Deny> checkPatch(int operations, List<String> buckets) {
        return operations <= maxPatchOperations ? Optional.empty() : Optional.of(new Decision.Deny(DenyCode.INVALID,
                "the patch for this pod would have " + operations + " operations; s3jars answers with at most "
                        + maxPatchOperations + " (S3JARS_LIMITS_MAX_PATCH_OPERATIONS): reduce the pod's containers"
                        + " or node affinity terms, or ask the platform team to raise the limit", buckets));
    }

    private static Optional<Decision.Deny> over(String what, int count, int limit, String setting) {
        // "more than": the admission reader stops building a list one element past its limit.
        return Optional.of(new Decision.Deny(DenyCode.INVALID, "the pod has more than " + limit + " " + what
                + "; s3jars reviews pods with at most " + limit + " (" + setting + "), far more than a Spark pod needs:"
                + " check the pod template, or ask the platform team to raise the limit", List.of()));
    }
}
