package io.s3jars.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a bucket reaches the Spark containers. */
public enum Mode {
    /** hostpath when a mount-ready node exists for the pod, sidecar otherwise. */
    AUTO,
    /** Read-only hostPath of the node's mount-s3 mount plus required node affinity. */
    HOSTPATH,
    /** A mount-s3 sidecar in the pod, sharing the mount through an emptyDir. */
    SIDECAR;

    public static Optional<Mode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.label().equals(text)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(Mode::label).collect(Collectors.joining("|"));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
