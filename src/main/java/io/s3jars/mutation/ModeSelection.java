package io.s3jars.mutation;

import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.DenyCode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Defaults;
import io.s3jars.policy.Mode;
import io.s3jars.policy.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Chooses the mode for a pod and lays out its mounts, in two separate questions. Precedence: a
 * mode already injected in an earlier call is kept (a pod never gets two) if the policy allows
 * it; then the pod's {@code s3jars.io/mode} if the policy allows overrides; then the policy
 * default, where {@code auto} asks the cluster view for a mount-ready node the pod could run on.
 * Feasibility: whether the chosen mode can serve these buckets at all.
 */
final class ModeSelection {

    private ModeSelection() {
    }

    /** The mode asked for, who asked, and what the pod's author should know about it. */
    record Requested(Mode mode, String source, List<String> warnings) {
    }

    static Checked<InjectionPlan> plan(SparkPod pod, String namespace, List<Bucket> buckets, Defaults defaults,
            ClusterView cluster, CsiClaims claims) {
        List<BucketMount> mounts = layout(buckets, defaults);
        Optional<String> clash = BucketMount.nameClash(mounts);
        if (clash.isPresent()) {
            return Checked.denied(DenyCode.INVALID, clash.get(), names(mounts));
        }
        Optional<EarlierInjection> earlier = EarlierInjection.find(pod, mounts);
        if (earlier.isPresent()) {
            return kept(earlier.get(), mounts, defaults);
        }
        Checked<Requested> requested = requested(pod, defaults);
        if (requested.isDenied()) {
            return requested.asDenied();
        }
        Requested asked = requested.value();
        List<String> warnings = new ArrayList<>(asked.warnings());
        return switch (asked.mode()) {
            case AUTO -> auto(pod, namespace, buckets, mounts, defaults, cluster, claims, warnings);
            case HOSTPATH -> {
                NodeFit fit = NodeFit.of(pod, buckets, cluster);
                if (fit.problem().isEmpty() && fit.readyNodes() == 0) {
                    warnings.add("no node is mount-ready for " + fit.where()
                            + " right now; the pod stays Pending until one is");
                }
                yield feasible(Mode.HOSTPATH, asked.source() + " chose hostpath", mounts, defaults, warnings,
                        fit.problem());
            }
            case SIDECAR -> feasible(Mode.SIDECAR, asked.source() + " chose sidecar", mounts, defaults, warnings,
                    Optional.empty());
            case CSI -> feasible(Mode.CSI, asked.source() + " chose csi", mounts, defaults, warnings, Optional.empty());
        };
    }

    /**
     * The first mode of the policy's {@code autoOrder} this pod can have: hostpath when a Ready,
     * schedulable node it tolerates carries every bucket's mount; csi when every bucket declares csi,
     * the CSI driver runs in the cluster and no claim is known to be missing; sidecar always. Where
     * the namespace enforces Pod Security baseline or restricted, only csi can be served, so hostpath
     * and sidecar are passed over when csi can be had. The reason says why each mode before the chosen one was not.
     */
    private static Checked<InjectionPlan> auto(SparkPod pod, String namespace, List<Bucket> buckets,
            List<BucketMount> mounts, Defaults defaults, ClusterView cluster, CsiClaims claims, List<String> warnings) {
        NodeFit fit = NodeFit.of(pod, buckets, cluster);
        boolean declared = buckets.stream().allMatch(b -> b.csi().declared());
        Optional<String> noCsi = !declared ? Optional.of("")
                : !cluster.csiDriverInstalled() ? Optional.of("the CSI driver " + ClusterView.CSI_DRIVER + " is not installed")
                : claims.missing(buckets);
        boolean csiPossible = noCsi.isEmpty();
        Optional<String> level = cluster.podSecurityLevel(namespace)
                .filter(MutationEngine.LEVELS_WITHOUT_HOSTPATH_OR_PRIVILEGED::contains);
        boolean onlyCsiServes = level.isPresent() && csiPossible && defaults.autoOrder().contains(Mode.CSI);
        List<String> passedOver = new ArrayList<>();
        for (Mode mode : defaults.autoOrder()) {
            if (onlyCsiServes && mode.needsPrivilegedNamespace()) {
                passedOver.add("namespace " + namespace + " enforces Pod Security level '" + level.get() + "'");
                continue;
            }
            Optional<String> whyNot = switch (mode) {
                case HOSTPATH -> fit.problem().isPresent() || fit.readyNodes() == 0 ? Optional.of(fit.problem()
                        .orElseGet(() -> "no Ready, schedulable node the pod tolerates carries " + fit.where()))
                        : Optional.empty();
                case CSI -> noCsi;
                case SIDECAR -> Optional.empty();
                case AUTO -> throw new IllegalStateException("autoOrder holds concrete modes only");
            };
            if (whyNot.isPresent()) {
                passedOver.add(whyNot.get());
                continue;
            }
            String because = switch (mode) {
                case HOSTPATH -> fit.readyNodes() + " Ready, schedulable node(s) the pod tolerates carry " + fit.where();
                case CSI, SIDECAR, AUTO -> "";
            };
            List<String> said = new ArrayList<>(passedOver.stream().filter(w -> !w.isEmpty()).distinct().toList());
            if (!because.isEmpty()) {
                said.add(because);
            }
            if (said.isEmpty()) {
                said.add("the first mode of the policy's autoOrder");
            }
            String reason = "auto chose " + mode.label() + ": " + String.join("; ", said);
            warnings.add(reason);
            return feasible(mode, reason, mounts, defaults, warnings, fit.problem());
        }
        throw new IllegalStateException("autoOrder includes sidecar, which always applies");
    }

    /** One bucket keeps the plain mount path ({@code local:///mnt/s3/jars/x.jar}); several get a folder each. */
    static List<BucketMount> layout(List<Bucket> buckets, Defaults defaults) {
        if (buckets.size() == 1) {
            return List.of(new BucketMount(buckets.get(0), defaults.mountPath()));
        }
        return buckets.stream().map(b -> new BucketMount(b, defaults.mountPath() + "/" + b.name())).toList();
    }

    static Checked<Requested> requested(SparkPod pod, Defaults defaults) {
        Optional<String> annotation = pod.annotation(PodContract.MODE);
        if (annotation.isEmpty()) {
            return Checked.ok(new Requested(defaults.mode(), "the policy default", List.of()));
        }
        Optional<Mode> mode = Mode.parse(annotation.get());
        if (mode.isEmpty()) {
            return Checked.denied(DenyCode.INVALID, "annotation " + PodContract.MODE + " must be one of "
                    + Mode.choices() + ", not '" + annotation.get() + "'", List.of());
        }
        if (!defaults.allowModeOverride()) {
            return Checked.ok(new Requested(defaults.mode(), "the policy default", List.of("annotation "
                    + PodContract.MODE + "=" + annotation.get() + " ignored: the policy does not allow per-pod modes;"
                    + " using " + defaults.mode().label())));
        }
        return Checked.ok(new Requested(mode.get(), "annotation " + PodContract.MODE, List.of()));
    }

    /**
     * The plan, unless {@code mode} cannot serve these buckets.
     *
     * @param nodeProblem why the buckets cannot share one node, when it was already worked out
     */
    private static Checked<InjectionPlan> feasible(Mode mode, String reason, List<BucketMount> mounts,
            Defaults defaults, List<String> warnings, Optional<String> nodeProblem) {
        Optional<String> problem = switch (mode) {
            case HOSTPATH -> nodeProblem.map(p -> "hostpath mode cannot serve this pod: " + p
                    + "; use sidecar mode or separate pods");
            case SIDECAR -> {
                List<String> noImage = mounts.stream().filter(m -> m.bucket().sidecar().image().isEmpty())
                        .map(m -> m.bucket().name()).toList();
                yield noImage.isEmpty() ? Optional.empty() : Optional.of("sidecar mode needs a mount-s3 image but the"
                        + " policy sets none for " + String.join(", ", noImage) + "; use hostpath mode or ask the"
                        + " platform team to set defaults.sidecar.image");
            }
            case CSI -> Optional.empty(); // a missing claim is the engine's check, after the plan (CsiClaims)
            case AUTO -> throw new IllegalArgumentException("auto is resolved to a concrete mode before this check");
        };
        if (problem.isPresent()) {
            return Checked.denied(DenyCode.INVALID, problem.get(), names(mounts));
        }
        return Checked.ok(new InjectionPlan(mode, reason, mounts, defaults, warnings));
    }

    /**
     * Keeps the mode of an earlier call, so a reinvoked pod never gets two. The pod's author can
     * write the same volume, so the mode is kept only if the policy could have given it to this
     * pod; otherwise a pod could buy itself a privileged sidecar under a hostpath-only policy.
     */
    private static Checked<InjectionPlan> kept(EarlierInjection earlier, List<BucketMount> mounts, Defaults defaults) {
        if (!defaults.mayChoose(earlier.mode())) {
            // Only a fixed default without overrides rules a mode out, so that default is the one allowed.
            return Checked.denied(DenyCode.INVALID, "the pod already has " + earlier.describe()
                    + ", but the policy allows only " + defaults.mode().label() + " mode; remove or rename"
                    + " that volume", names(mounts));
        }
        List<Bucket> buckets = mounts.stream().map(BucketMount::bucket).toList();
        return feasible(earlier.mode(), "kept " + earlier.mode().label() + " from the earlier injection", mounts,
                defaults, List.of(), hostPathProblem(buckets));
    }

    /**
     * What the nodes offer these buckets: why they cannot share one node, or else how many
     * mount-ready nodes the pod could be scheduled on.
     */
    private record NodeFit(Optional<String> problem, Map<String, String> labels, Map<String, String> nodeSelector,
            int readyNodes) {

        static NodeFit of(SparkPod pod, List<Bucket> buckets, ClusterView cluster) {
            Optional<String> problem = hostPathProblem(buckets);
            if (problem.isPresent()) {
                return new NodeFit(problem, Map.of(), Map.of(), 0);
            }
            Map<String, String> labels = InjectionPlan.mountReadyLabels(buckets);
            Map<String, String> nodeSelector = pod.nodeSelector();
            return new NodeFit(problem, labels, nodeSelector, countReadyNodes(pod, nodeSelector, labels, cluster));
        }

        /** The labels asked for, and the pod's own nodeSelector when it narrows them. */
        String where() {
            return describe(labels) + (nodeSelector.isEmpty() ? ""
                    : " (within the pod's nodeSelector " + describe(nodeSelector) + ")");
        }
    }

    /**
     * Why the buckets cannot share one node, if they cannot: labels that contradict. Node mount
     * paths never meet: the policy parser refuses two buckets whose paths are equal or nested.
     */
    private static Optional<String> hostPathProblem(List<Bucket> buckets) {
        Map<String, String> labels = new HashMap<>();
        for (Bucket bucket : buckets) {
            for (Map.Entry<String, String> label : bucket.mountReadyLabels().entrySet()) {
                String value = labels.putIfAbsent(label.getKey(), label.getValue());
                if (value != null && !value.equals(label.getValue())) {
                    return Optional.of("the buckets need node label " + label.getKey() + " to be both " + value
                            + " and " + label.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Mount-ready nodes the pod could be scheduled on: the pod's own {@code nodeSelector} narrows
     * them (Spark sets it from {@code spark.kubernetes.node.selector.*}), so a pod pinned to a node
     * group without the mount gets the sidecar rather than hostpath and Pending forever. Its own
     * required node affinity is not evaluated.
     */
    private static int countReadyNodes(SparkPod pod, Map<String, String> nodeSelector, Map<String, String> mountReadyLabels,
            ClusterView cluster) {
        Map<String, String> labels = new HashMap<>(mountReadyLabels);
        for (Map.Entry<String, String> selector : nodeSelector.entrySet()) {
            if (!Names.isLabel(selector.getKey(), selector.getValue())) {
                // No node carries it, and the API server refuses the pod: never a key of the node index,
                // which remembers the label sets it is asked about.
                return 0;
            }
            String mountReady = labels.putIfAbsent(selector.getKey(), selector.getValue());
            if (mountReady != null && !mountReady.equals(selector.getValue())) {
                return 0;
            }
        }
        return cluster.mountReadyNodes(labels, pod.tolerations());
    }

    private static String describe(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static List<String> names(List<BucketMount> mounts) {
        return mounts.stream().map(m -> m.bucket().name()).toList();
    }
}
