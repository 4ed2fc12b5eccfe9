package io.s3jars.mutation;

import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.DenyCode;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Defaults;
import io.s3jars.policy.Mode;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses hostpath or sidecar for a pod and lays out its mounts. In order: a mode already
 * injected in an earlier call is kept (a pod never gets both) if the policy allows it; then the
 * pod's {@code s3jars.io/mode} if the policy allows overrides; then the policy default.
 * {@code auto} asks the cluster view for a mount-ready node the pod could run on.
 */
final class ModeSelection {

    private ModeSelection() {
    }

    static Checked<InjectionPlan> plan(SparkPod pod, List<Bucket> buckets, Defaults defaults, ClusterView cluster,
            List<String> warnings) {
        List<BucketMount> mounts = layout(buckets, defaults);
        Optional<EarlierInjection> earlier = EarlierInjection.find(pod, mounts);
        if (earlier.isPresent()) {
            return kept(earlier.get(), mounts, defaults);
        }
        Checked<Mode> requested = requested(pod, defaults, warnings);
        if (requested.isDenied()) {
            return requested.asDenied();
        }
        Mode mode = requested.value();
        Optional<String> hostPathProblem = hostPathProblem(buckets);
        if (mode == Mode.HOSTPATH) {
            if (hostPathProblem.isEmpty()) {
                Map<String, String> labels = labels(buckets);
                Map<String, String> nodeSelector = pod.nodeSelector();
                if (readyNodes(pod, nodeSelector, labels, cluster) == 0) {
                    warnings.add("no node is mount-ready for " + describe(labels) + nodeSelectorNote(nodeSelector)
                            + " right now; the pod stays Pending until one is");
                }
            }
            return checked(Mode.HOSTPATH, source(pod, defaults) + " chose hostpath", mounts, defaults);
        }
        if (mode == Mode.SIDECAR) {
            return checked(Mode.SIDECAR, source(pod, defaults) + " chose sidecar", mounts, defaults);
        }
        if (hostPathProblem.isPresent()) {
            String reason = "auto chose sidecar: " + hostPathProblem.get();
            warnings.add(reason);
            return checked(Mode.SIDECAR, reason, mounts, defaults);
        }
        Map<String, String> labels = labels(buckets);
        Map<String, String> nodeSelector = pod.nodeSelector();
        int ready = readyNodes(pod, nodeSelector, labels, cluster);
        String reason = (ready > 0
                ? "auto chose hostpath: " + ready + " Ready, schedulable node(s) the pod tolerates carry "
                : "auto chose sidecar: no Ready, schedulable node the pod tolerates carries ")
                + describe(labels) + nodeSelectorNote(nodeSelector);
        warnings.add(reason);
        return checked(ready > 0 ? Mode.HOSTPATH : Mode.SIDECAR, reason, mounts, defaults);
    }

    /** One bucket keeps the plain mount path ({@code local:///mnt/s3/jars/x.jar}); several get a folder each. */
    static List<BucketMount> layout(List<Bucket> buckets, Defaults defaults) {
        if (buckets.size() == 1) {
            return List.of(new BucketMount(buckets.get(0), defaults.mountPath()));
        }
        return buckets.stream().map(b -> new BucketMount(b, defaults.mountPath() + "/" + b.name())).toList();
    }

    private static Checked<InjectionPlan> checked(Mode mode, String reason, List<BucketMount> mounts, Defaults defaults) {
        if (mode == Mode.HOSTPATH) {
            Optional<String> problem = hostPathProblem(mounts.stream().map(BucketMount::bucket).toList());
            if (problem.isPresent()) {
                return Checked.denied(DenyCode.INVALID, "hostpath mode cannot serve this pod: " + problem.get()
                        + "; use sidecar mode or separate pods", names(mounts));
            }
        } else {
            List<String> noImage = mounts.stream().filter(m -> m.bucket().sidecar().image().isEmpty())
                    .map(m -> m.bucket().name()).toList();
            if (!noImage.isEmpty()) {
                return Checked.denied(DenyCode.INVALID, "sidecar mode needs a mount-s3 image but the policy sets"
                        + " none for " + String.join(", ", noImage) + "; use hostpath mode or ask the platform team to set"
                        + " defaults.sidecar.image", names(mounts));
            }
        }
        return Checked.ok(new InjectionPlan(mode, reason, mounts, defaults));
    }

    private static Checked<Mode> requested(SparkPod pod, Defaults defaults, List<String> warnings) {
        Optional<String> annotation = pod.annotation(PodContract.MODE);
        if (annotation.isEmpty()) {
            return Checked.ok(defaults.mode());
        }
        Optional<Mode> mode = Mode.parse(annotation.get());
        if (mode.isEmpty()) {
            return Checked.denied(DenyCode.INVALID, "annotation " + PodContract.MODE + " must be one of "
                    + Mode.choices() + ", not '" + annotation.get() + "'", List.of());
        }
        if (!defaults.allowModeOverride()) {
            warnings.add("annotation " + PodContract.MODE + "=" + annotation.get() + " ignored: the policy does not allow"
                    + " per-pod modes; using " + defaults.mode().label());
            return Checked.ok(defaults.mode());
        }
        return Checked.ok(mode.get());
    }

    private static String source(SparkPod pod, Defaults defaults) {
        return pod.annotation(PodContract.MODE).isPresent() && defaults.allowModeOverride()
                ? "annotation " + PodContract.MODE : "the policy default";
    }

    /**
     * Keeps the mode of an earlier call, so a reinvoked pod never gets both. The pod's author can
     * write the same volume, so the mode is kept only if the policy could have given it to this
     * pod; otherwise a pod could buy itself a privileged sidecar under a hostpath-only policy.
     */
    private static Checked<InjectionPlan> kept(EarlierInjection earlier, List<BucketMount> mounts, Defaults defaults) {
        if (!modesThePolicyAllows(defaults).contains(earlier.mode())) {
            // Only a fixed default without overrides rules a mode out, so that default is the one allowed.
            return Checked.denied(DenyCode.INVALID, "the pod already has " + earlier.describe()
                    + ", but the policy allows only " + defaults.mode().label() + " mode; remove or rename"
                    + " that volume", names(mounts));
        }
        return checked(earlier.mode(), "kept " + earlier.mode().label() + " from the earlier injection", mounts,
                defaults);
    }

    /** Either mode when pods may choose or the default is auto; otherwise only the default. */
    private static Set<Mode> modesThePolicyAllows(Defaults defaults) {
        return defaults.allowModeOverride() || defaults.mode() == Mode.AUTO ? EnumSet.of(Mode.HOSTPATH, Mode.SIDECAR)
                : EnumSet.of(defaults.mode());
    }

    /** Why the buckets cannot share one node, if they cannot: same node path, or labels that contradict. */
    private static Optional<String> hostPathProblem(List<Bucket> buckets) {
        Map<String, String> byPath = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        for (Bucket bucket : buckets) {
            String other = byPath.putIfAbsent(bucket.nodeMountPath(), bucket.name());
            if (other != null) {
                return Optional.of("buckets " + other + " and " + bucket.name() + " are both mounted at "
                        + bucket.nodeMountPath() + " on nodes");
            }
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
    private static int readyNodes(SparkPod pod, Map<String, String> nodeSelector, Map<String, String> mountReadyLabels,
            ClusterView cluster) {
        Map<String, String> labels = new HashMap<>(mountReadyLabels);
        for (Map.Entry<String, String> selector : nodeSelector.entrySet()) {
            String mountReady = labels.putIfAbsent(selector.getKey(), selector.getValue());
            if (mountReady != null && !mountReady.equals(selector.getValue())) {
                return 0;
            }
        }
        return cluster.mountReadyNodes(labels, pod.tolerations());
    }

    private static String nodeSelectorNote(Map<String, String> nodeSelector) {
        return nodeSelector.isEmpty() ? "" : " (within the pod's nodeSelector " + describe(nodeSelector) + ")";
    }

    private static Map<String, String> labels(List<Bucket> buckets) {
        return InjectionPlan.mountReadyLabels(buckets);
    }

    private static String describe(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static List<String> names(List<BucketMount> mounts) {
        return mounts.stream().map(m -> m.bucket().name()).toList();
    }
}
