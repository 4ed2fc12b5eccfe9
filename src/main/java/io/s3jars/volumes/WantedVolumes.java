package io.s3jars.volumes;

import io.s3jars.policy.Bucket;
import io.s3jars.policy.Mode;
import io.s3jars.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which volumes and claims s3jars keeps, from the policy and the namespaces that exist. A bucket
 * gets them in a namespace when all of these hold:
 * <ul>
 * <li>the policy manages csi volumes ({@code defaults.csi.manageVolumes}, true by default);</li>
 * <li>the bucket is served in csi mode: it declares {@code csi}, or {@code defaults.mode} is csi;</li>
 * <li>the policy names no claim of its own for it ({@code csi.claimName}): a named claim is the
 * platform team's;</li>
 * <li>a binding grants the bucket to every service account of the namespace. Every pod of a
 * namespace can mount its claims, so a claim would widen a binding restricted to some service
 * accounts to all of them; such bindings get no claim.</li>
 * </ul>
 */
public final class WantedVolumes {

    private WantedVolumes() {
    }

    /** Whether s3jars keeps the claim of {@code bucket} in {@code namespace}. */
    public static boolean manages(PolicySnapshot policy, String namespace, Bucket bucket) {
        return servedByManagedClaim(policy, bucket)
                && policy.bucketsForEveryServiceAccount(namespace).contains(bucket.name());
    }

    /** Every volume s3jars keeps, in order of namespace, then bucket. */
    public static List<WantedVolume> of(PolicySnapshot policy, Collection<String> namespaces) {
        List<WantedVolume> wanted = new ArrayList<>();
        if (!policy.defaults().manageCsiVolumes()) {
            return wanted;
        }
        for (String namespace : new TreeSet<>(namespaces)) {
            for (String name : policy.bucketsForEveryServiceAccount(namespace)) {
                Optional<Bucket> bucket = policy.bucket(name).filter(b -> servedByManagedClaim(policy, b));
                bucket.ifPresent(b -> wanted.add(new WantedVolume(namespace, b)));
            }
        }
        return wanted;
    }

    /** Whether the policy serves the bucket in csi mode: the bucket declares {@code csi}, or {@code defaults.mode} is csi. */
    public static boolean servedInCsiMode(PolicySnapshot policy, Bucket bucket) {
        return bucket.csi().declared() || policy.defaults().mode() == Mode.CSI;
    }

    private static boolean servedByManagedClaim(PolicySnapshot policy, Bucket bucket) {
        return policy.defaults().manageCsiVolumes() && servedInCsiMode(policy, bucket)
                && bucket.csi().isDefaultFor(bucket.name());
    }
}
