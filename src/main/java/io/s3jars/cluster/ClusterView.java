package io.s3jars.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the engine may know about the cluster, read from local caches only: never an API call on
 * the admission path.
 */
public interface ClusterView {

    /** A view of an empty cluster: no mount-ready node, no namespace labels. */
    ClusterView EMPTY = new ClusterView() {
        @Override
        public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
            return 0;
        }

        @Override
        public Optional<String> podSecurityLevel(String namespace) {
            return Optional.empty();
        }

        @Override
        public GuardMode guardMode(String namespace) {
            return GuardMode.PATHS_ONLY;
        }

        @Override
        public boolean csiDriverInstalled() {
            return false;
        }

        @Override
        public Set<String> nodeMountPaths() {
            return Set.of();
        }

        @Override
        public ClaimPresence claim(String namespace, String name) {
            return ClaimPresence.UNKNOWN;
        }

        @Override
        public boolean managesCsiVolumes() {
            return false;
        }
    };

    /** The Mountpoint for Amazon S3 CSI driver's name, as its {@code CSIDriver} object is called. */
    String CSI_DRIVER = "s3.csi.aws.com";

    /**
     * Nodes that are Ready, not cordoned, carry every label in {@code labels} and have no
     * NoSchedule/NoExecute taint that {@code tolerations} leave untolerated.
     */
    int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations);

    /** The namespace's {@code pod-security.kubernetes.io/enforce} level, when known. */
    Optional<String> podSecurityLevel(String namespace);

    /** How the guard treats the namespace's pods, from its labels; {@link GuardMode#PATHS_ONLY} when unknown. */
    GuardMode guardMode(String namespace);

    /** Whether the cluster has the Mountpoint for Amazon S3 CSI driver ({@link #CSI_DRIVER}), for auto. */
    boolean csiDriverInstalled();

    /**
     * Every bucket mount path that some node's agent records as present on it
     * ({@link NodeMountPathAnnotation}): the guard protects these as it does the policy's own.
     */
    Set<String> nodeMountPaths();

    /** Whether the PersistentVolumeClaim {@code name} exists in {@code namespace}, for csi mode. */
    ClaimPresence claim(String namespace, String name);

    /**
     * Whether s3jars' csi volume controller runs in this cluster, so a claim the policy has s3jars
     * keep is created if it is not there yet.
     */
    boolean managesCsiVolumes();
}
