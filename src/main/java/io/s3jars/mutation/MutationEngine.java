package io.s3jars.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.decision.DenyCode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Mode;
import io.s3jars.policy.PolicySnapshot;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pure heart of s3jars: raw pod JSON, a policy and a view of the cluster in; a patch, a
 * denial or a skip out. No I/O, so the webhook, the offline {@code inject} command and the tests
 * run exactly this code.
 */
public final class MutationEngine {

    private final PodLimits limits;

    public MutationEngine() {
        this(PodLimits.DEFAULT);
    }

    public MutationEngine(PodLimits limits) {
        this.limits = limits;
    }

    /** The size limits this engine reviews pods within, which the guard applies too. */
    public PodLimits limits() {
        return limits;
    }

    private static final Set<String> SPARK_ROLES = Set.of("driver", "executor");
    static final Set<String> LEVELS_WITHOUT_HOSTPATH_OR_PRIVILEGED = Set.of("baseline", "restricted");

    private static final Map<Mode, List<MutationStep>> STEPS = stepsPerMode();

    /**
     * @param namespace the request's namespace: the pod's own is empty for many clients
     * @param policy    empty when no valid policy was ever loaded
     */
    public Decision decide(ObjectNode podJson, String namespace, Optional<PolicySnapshot> policy, ClusterView cluster) {
        try {
            SparkPod pod = new SparkPod(podJson);
            Optional<String> notOurs = reasonToSkip(pod);
            if (notOurs.isPresent()) {
                return new Decision.Skip(notOurs.get());
            }
            Optional<Decision.Deny> tooBig = limits.check(podJson);
            if (tooBig.isPresent()) {
                return tooBig.get();
            }
            if (policy.isEmpty()) {
                return new Decision.Deny(DenyCode.UNAVAILABLE, "s3jars has no valid policy loaded, so it cannot"
                        + " tell which buckets namespace " + namespace + " may use; the pod is refused rather than"
                        + " started without its jars. Check the s3jars logs and its policy ConfigMap.", List.of());
            }
            CsiClaims claims = new CsiClaims(namespace, policy.get(), cluster);
            Checked<InjectionPlan> plan = plan(pod, namespace, policy.get(), cluster, claims);
            if (plan.isDenied()) {
                return plan.denial();
            }
            Optional<Decision.Deny> podSecurity = podSecurityDenial(namespace, cluster, plan.value());
            if (podSecurity.isPresent()) {
                return podSecurity.get();
            }
            Optional<Decision.Deny> noClaim = missingClaimDenial(claims, plan.value());
            if (noClaim.isPresent()) {
                return noClaim.get();
            }
            return inject(plan.value(), podJson, limits);
        } catch (MalformedPod e) {
            return new Decision.Deny(DenyCode.INVALID, "s3jars cannot read the pod: " + e.getMessage(), List.of());
        }
    }

    /**
     * What s3jars injects into this pod, alone: a pod that holds only what the steps of the pod's
     * plan add (volumes, sidecar containers), for the guard to compare the pod's own s3jars
     * elements with, field by field. The steps are the one definition of what s3jars injects, so
     * the guard can never drift from them. Empty when s3jars adds nothing to this pod (not a Spark
     * pod, not opted in) or would refuse it (a bucket not granted, a malformed pod).
     */
    public Optional<ObjectNode> injectionOf(ObjectNode podJson, String namespace, PolicySnapshot policy,
            ClusterView cluster) {
        try {
            SparkPod pod = new SparkPod(podJson);
            if (reasonToSkip(pod).isPresent() || limits.check(podJson).isPresent()) {
                return Optional.empty();
            }
            Checked<InjectionPlan> plan = plan(pod, namespace, policy, cluster,
                    new CsiClaims(namespace, policy, cluster));
            if (plan.isDenied()) {
                return Optional.empty();
            }
            ObjectNode alone = JsonNodeFactory.instance.objectNode();
            alone.putObject("metadata");
            alone.putObject("spec").putArray("containers");
            PodEditor editor = new PodEditor(alone);
            applySteps(plan.value(), editor);
            return Optional.of(editor.pod());
        } catch (MalformedPod | InjectionConflict e) {
            return Optional.empty();
        }
    }

    /** The pod's buckets, checked against the bindings, and the plan of how to mount them. */
    private static Checked<InjectionPlan> plan(SparkPod pod, String namespace, PolicySnapshot policy,
            ClusterView cluster, CsiClaims claims) {
        Checked<List<Bucket>> buckets = BucketSelection.select(pod, namespace, policy);
        if (buckets.isDenied()) {
            return buckets.asDenied();
        }
        return ModeSelection.plan(pod, namespace, buckets.value(), policy.defaults(), cluster, claims);
    }

    /** The fold: every step of the plan's mode, in order, on one working copy of the pod. */
    private static void applySteps(InjectionPlan plan, PodEditor pod) {
        for (MutationStep step : STEPS.get(plan.mode())) {
            step.apply(plan, pod);
        }
    }

    private static Optional<String> reasonToSkip(SparkPod pod) {
        Optional<String> role = pod.label(PodContract.SPARK_ROLE);
        if (role.isEmpty() || !SPARK_ROLES.contains(role.get())) {
            return Optional.of("not a Spark pod (label " + PodContract.SPARK_ROLE + " is not driver or executor)");
        }
        Optional<String> inject = pod.label(PodContract.INJECT);
        if (inject.isEmpty() || !inject.get().equals("true")) {
            return Optional.of("not opted in (label " + PodContract.INJECT + " is not \"true\")");
        }
        return Optional.empty();
    }

    /**
     * hostpath and sidecar mode need what Pod Security baseline forbids (a hostPath; a privileged
     * sidecar), so such a pod there is refused now with the reason rather than by Pod Security
     * later with a vaguer one; csi mode needs neither.
     */
    private static Optional<Decision.Deny> podSecurityDenial(String namespace, ClusterView cluster, InjectionPlan plan) {
        Optional<String> level = cluster.podSecurityLevel(namespace);
        if (level.isEmpty() || !LEVELS_WITHOUT_HOSTPATH_OR_PRIVILEGED.contains(level.get())
                || !plan.mode().needsPrivilegedNamespace()) {
            return Optional.empty();
        }
        return Optional.of(new Decision.Deny(DenyCode.FORBIDDEN, "namespace " + namespace
                + " enforces Pod Security level '" + level.get() + "', which forbids hostPath volumes (hostpath mode)"
                + " and privileged containers (sidecar mode), so s3jars cannot mount a bucket here in "
                + plan.mode().label() + " mode. Use csi mode (annotation " + PodContract.MODE + ": csi, where the"
                + " policy allows it), label the namespace pod-security.kubernetes.io/enforce=privileged, or run the"
                + " job in a namespace that allows it.", plan.bucketNames()));
    }

    /** A csi plan whose claim is missing in the namespace, and will not be created, would leave the pod Pending. */
    private static Optional<Decision.Deny> missingClaimDenial(CsiClaims claims, InjectionPlan plan) {
        return switch (plan.mode()) {
            case CSI -> claims.missing(plan.mounts().stream().map(BucketMount::bucket).toList())
                    .map(why -> new Decision.Deny(DenyCode.INVALID, "csi mode cannot serve this pod: " + why,
                            plan.bucketNames()));
            case HOSTPATH, SIDECAR, AUTO -> Optional.empty();
        };
    }

    /** The plan carried out on the pod, answered as a patch within the patch limit. */
    private static Decision inject(InjectionPlan plan, ObjectNode podJson, PodLimits limits) {
        PodEditor pod = new PodEditor(podJson);
        try {
            applySteps(plan, pod);
        } catch (InjectionConflict conflict) {
            return new Decision.Deny(DenyCode.INVALID, conflict.getMessage(), plan.bucketNames());
        }
        Optional<Decision.Deny> tooBig = limits.checkPatch(pod.operations().size(), plan.bucketNames());
        if (tooBig.isPresent()) {
            return tooBig.get();
        }
        return new Decision.Patch(pod.operations(), pod.pod(), plan.mode(), plan.bucketNames(), plan.warnings());
    }

    /**
     * The steps of each mode, in the order they run. A {@code switch} without a default, so a new
     * {@link Mode} does not compile until it has its steps.
     */
    static List<MutationStep> stepsOf(Mode mode) {
        return switch (mode) {
            case HOSTPATH -> List.of(new HostPathVolumeStep(), new SparkContainerMountStep(),
                    new MountReadyAffinityStep(), new StatusAnnotationStep());
            case SIDECAR -> List.of(new MountS3SidecarStep(), new SparkContainerMountStep(), new StatusAnnotationStep());
            case CSI -> List.of(new CsiClaimVolumeStep(), new SparkContainerMountStep(), new StatusAnnotationStep());
            case AUTO -> List.of(); // never planned: mode selection resolves auto first
        };
    }

    private static Map<Mode, List<MutationStep>> stepsPerMode() {
        Map<Mode, List<MutationStep>> steps = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            steps.put(mode, stepsOf(mode));
        }
        return steps;
    }
}
