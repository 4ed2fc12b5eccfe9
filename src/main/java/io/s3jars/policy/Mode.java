package io.s3jars.policy;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a bucket reaches the Spark containers. Code that acts per mode uses a {@code switch}
 * expression without {@code default}, so a new constant does not compile until every such place
 * handles it (docs/architecture.md lists them).
 */
public enum Mode {
    /** hostpath when a mount-ready node exists for the pod, sidecar otherwise. */
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

    private static final Set<Mode> CHOICES_OF_AUTO = Collections.unmodifiableSet(EnumSet.of(HOSTPATH, SIDECAR));

    public static Optional<Mode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.label().equals(text)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(Mode::label).collect(Collectors.joining("|"));
    }

    /** The modes {@code auto} picks between; a plan always has one of them or another concrete mode. */
    public static Set<Mode> choicesOfAuto() {
        return CHOICES_OF_AUTO;
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
