package io.s3jars.mutation;

/**
 * One feature added to a pod, in the spirit of Spark's {@code KubernetesFeatureConfigStep}: take
 * the pod, add the feature, keep everything else.
 *
 * <p>A step checks each element it owns (a volume, a mount in one container, an expression in
 * one affinity term) and adds only what is missing, so running it on its own output adds
 * nothing and a container added by another webhook in between still gets its mount. Steps hold
 * no state; they throw {@link InjectionConflict} when the pod holds a clashing element.
 */
public interface MutationStep {

    void apply(InjectionPlan plan, PodEditor pod);
}
