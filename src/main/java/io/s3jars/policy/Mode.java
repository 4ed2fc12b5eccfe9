package io.s3jars.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a bucket reaches the Spark containers. Code that acts per mode uses a {@code switch}
 * expression without {@code default}, so a new constant does not compile until every such place
 * handles it (docs/architecture.md lists them).
 */
public enum Mode {
    /** The first of the policy's {@code autoOrder} the pod can have: hostpath, csi, sidecar by default. */
    AUTO,
    /** Read-only hostPath of the node's mount-s3 mount plus required node affinity. */
    HOSTPATH,
    /** A mount-s3 sidecar in the pod, sharing the mount through an emptyDir. */
    SIDECAR,
    /**
     * A read-only PersistentVolumeClaim of the Mountpoint for Amazon S3 CSI driver: no hostPath and
     * no privileged container, so it is allowed in Pod Security baseline and restricted namespaces.
     */
    CSI;

    public static Optional<Mode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.label().equals(text)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(Mode::label).collect(Collectors.joining("|"));
    }

    /** True for a way of mounting that steps can carry out; false for {@code auto}, which picks one. */
    public boolean isConcrete() {
        return switch (this) {
            case AUTO -> false;
            case HOSTPATH, SIDECAR, CSI -> true;
        };
    }

    /**
     * True when the mode needs what Pod Security baseline forbids: a hostPath volume (hostpath) or a
     * privileged container (sidecar).
     */
    public boolean needsPrivilegedNamespace() {
        return switch (this) {
            case HOSTPATH, SIDECAR -> true;
            case CSI -> false;
            case AUTO -> throw new IllegalStateException("auto is resolved to a concrete mode first");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
