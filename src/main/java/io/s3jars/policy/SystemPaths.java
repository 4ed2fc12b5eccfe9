package io.s3jars.policy;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * System directories a bucket must not cover. A bucket's {@code nodeMountPath} is where the node
 * mounts it and what pods granted the bucket get as a hostPath: before the mount is live, or beside
 * it, that hostPath is the node's own directory. {@code defaults.mountPath} is where the Spark
 * containers see the bucket, hiding whatever their image has there.
 */
final class SystemPaths {

    /** Which of the two mount paths a system directory is forbidden to. */
    enum Side {
        /** A bucket's {@code nodeMountPath}. */
        NODE,
        /** {@code defaults.mountPath}, in the Spark containers. */
        CONTAINER
    }

    /** Directories of one kind, what they hold (said in messages), and on which side they are forbidden. */
    record Group(String holds, Set<Side> sides, List<String> paths) {
    }

    /**
     * No mount path may be one of these, lie under one, or contain one (a bucket at {@code /var}
     * would hide {@code /var/run}); {@code /} contains them all.
     */
    static final List<Group> SYSTEM_PATHS = List.of(
            // The kernel's and devices' interfaces: a hostPath of them hands a pod the node's kernel and
            // devices; in a container, covering them breaks the JVM (it reads /proc) and the runtime.
            new Group("kernel and device interfaces", EnumSet.allOf(Side.class), List.of("/proc", "/sys", "/dev")),
            // On the node: the kubelet's credentials (/etc/kubernetes) and what runs as root; in a
            // container: what Spark runs (/bin/sh, libc, /etc/passwd), which a bucket's files would replace.
            new Group("configuration, programs and libraries", EnumSet.allOf(Side.class),
                    List.of("/etc", "/bin", "/sbin", "/lib", "/lib64", "/usr")),
            // On the node: the container runtime's socket, which is root on the node; in a container:
            // /var/run/secrets, the service account token Spark talks to the API server with.
            new Group("sockets and state of running services, the service account token in /var/run/secrets",
                    EnumSet.allOf(Side.class), List.of("/run", "/var/run")),
            // Other processes' files on the node; the JVM's and Spark's temporary files in a container,
            // which a read-only bucket would break.
            new Group("scratch space other programs write", EnumSet.allOf(Side.class), List.of("/tmp")),
            // Every pod's volumes, projected secrets and image layers, other tenants' included.
            new Group("kubelet and container runtime state: every pod's volumes, secrets and images",
                    EnumSet.of(Side.NODE), List.of("/var/lib/kubelet", "/var/lib/containerd", "/var/lib/docker")),
            // Every pod's logs, other tenants' included.
            new Group("logs of the node and of every pod on it", EnumSet.of(Side.NODE), List.of("/var/log")),
            // What the node boots, and root's home (SSH keys): a hostPath of them is the node.
            new Group("the kernel image and boot loader", EnumSet.of(Side.NODE), List.of("/boot")),
            new Group("root's home, with its SSH keys", EnumSet.of(Side.NODE), List.of("/root")));

    private SystemPaths() {
    }

    /**
     * Why {@code path} may not be a mount path on {@code side}, if it may not.
     *
     * @param path absolute and normal, as {@link Names#absolutePathProblem} checks first
     */
    static Optional<String> problem(String path, Side side) {
        for (Group group : SYSTEM_PATHS) {
            if (!group.sides().contains(side)) {
                continue;
            }
            for (String system : group.paths()) {
                Optional<String> relation = relation(path, system);
                if (relation.isPresent()) {
                    return Optional.of(relation.get() + " the system path " + system + " (" + group.holds() + "); "
                            + switch (side) {
                                case NODE -> "give the bucket a directory of its own on the nodes, such as one under /mnt";
                                case CONTAINER -> "mount buckets in a directory of their own, such as /mnt/s3";
                            });
                }
            }
        }
        return Optional.empty();
    }

    /** How {@code path} meets {@code system}, compared by whole segments ({@code /procfs} is not {@code /proc}). */
    private static Optional<String> relation(String path, String system) {
        if (path.equals(system)) {
            return Optional.of("is");
        }
        if (path.startsWith(system + "/")) {
            return Optional.of("is under");
        }
        if (path.equals("/") || system.startsWith(path + "/")) {
            return Optional.of("contains");
        }
        return Optional.empty();
    }
}
