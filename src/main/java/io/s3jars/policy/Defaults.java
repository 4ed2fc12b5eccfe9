package io.s3jars.policy;

import java.util.List;

/**
 * Policy-wide settings.
 *
 * @param mountPath          container path of the bucket; with several buckets each goes to
 *                           {@code mountPath/<bucket>}
 * @param allowModeOverride  whether pods may choose their mode with {@code s3jars.io/mode}
 * @param sparkContainers    container names that receive the mount; when a pod has none of them,
 *                           every container except {@code excludeContainers} does
 * @param excludeContainers  sidecars of other webhooks that never receive the mount
 * @param autoOrder          the modes {@code auto} tries, in order; the first one the pod can have wins
 * @param manageCsiVolumes   {@code csi.manageVolumes}: whether cluster mode creates and keeps the
 *                           PersistentVolume and claim of each bucket csi mode serves, in each
 *                           namespace granted it (see {@code io.s3jars.volumes.WantedVolumes})
 */
public record Defaults(
        Mode mode,
        String mountPath,
        boolean allowModeOverride,
        List<String> sparkContainers,
        List<String> excludeContainers,
        Sidecar sidecar,
        List<Mode> autoOrder,
        boolean manageCsiVolumes) {

    /** hostpath when a node serves the pod, else csi when the buckets declare it and the driver runs, else sidecar. */
    public static final List<Mode> AUTO_ORDER = List.of(Mode.HOSTPATH, Mode.CSI, Mode.SIDECAR);

    public Defaults {
        autoOrder = List.copyOf(autoOrder);
    }

    /** Settings with the default order for auto, and csi volumes managed. */
    public Defaults(Mode mode, String mountPath, boolean allowModeOverride, List<String> sparkContainers,
            List<String> excludeContainers, Sidecar sidecar) {
        this(mode, mountPath, allowModeOverride, sparkContainers, excludeContainers, sidecar, AUTO_ORDER, true);
    }

    public static final List<String> SPARK_CONTAINERS =
            List.of("spark-kubernetes-driver", "spark-kubernetes-executor", "executor");
    public static final List<String> EXCLUDE_CONTAINERS = List.of("istio-proxy", "linkerd-proxy");

    /**
     * Whether a pod under this policy may end up in {@code concrete} mode: any mode when pods may
     * choose, what auto picks between when the default is auto, otherwise only the default.
     */
    public boolean mayChoose(Mode concrete) {
        if (allowModeOverride) {
            return concrete.isConcrete();
        }
        return switch (mode) {
            case AUTO -> autoOrder.contains(concrete);
            case HOSTPATH, SIDECAR, CSI -> mode == concrete;
        };
    }
}
