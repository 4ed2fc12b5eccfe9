package io.s3jars.policy;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * How the mount-s3 sidecar is run. Everything on its command line comes from here and from the
 * bucket, never from the pod, so a pod cannot steer the sidecar's flags.
 *
 * @param image          mount-s3 image; empty when the policy never needs a sidecar
 * @param nativeSidecar  init container with {@code restartPolicy: Always} (Kubernetes 1.29+); false
 *                       gives a classic sidecar in {@code containers} for older clusters
 * @param uid            owner uid of the mounted files (mount-s3 {@code --uid}), the Spark image's user
 *                       (185) by default. Not the user the sidecar runs as: it always runs as root.
 * @param gid            owner gid of the mounted files
 * @param allowRootSidecar whether {@code uid} may be 0; the parser refuses root-owned files without it,
 *                       as a likely mistake
 * @param cacheSizeMiB   most MiB mount-s3 keeps in its cache; the cache emptyDir is sized to match
 */
public record Sidecar(
        Optional<String> image,
        String imagePullPolicy,
        boolean nativeSidecar,
        long uid,
        long gid,
        boolean allowRootSidecar,
        long cacheSizeMiB,
        Map<String, String> requests,
        Map<String, String> limits) {

    /** Sorted copies: Map.copyOf iterates in an order that changes from run to run, and the patch must not. */
    public Sidecar {
        requests = Collections.unmodifiableSortedMap(new TreeMap<>(requests));
        limits = Collections.unmodifiableSortedMap(new TreeMap<>(limits));
    }

    public static final Sidecar DEFAULT = new Sidecar(
            Optional.empty(), "IfNotPresent", true, 185, 185, false, 1024,
            Map.of("cpu", "100m", "memory", "256Mi"), Map.of("memory", "1Gi"));
}
