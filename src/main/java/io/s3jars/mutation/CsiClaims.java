package io.s3jars.mutation;

import io.s3jars.cluster.ClaimPresence;
import io.s3jars.cluster.ClusterView;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.volumes.WantedVolumes;
import java.util.List;
import java.util.Optional;

/**
 * Whether the claims csi mode would mount exist in the pod's namespace. A claim the cluster view
 * knows to be missing makes a pod that stays Pending, so it is refused at admission with what to
 * do, unless s3jars itself keeps that claim and is about to create it (a namespace created a
 * moment ago). A view that does not watch claims (offline, before the first list) refuses nothing.
 */
final class CsiClaims {

    private final String namespace;
    private final PolicySnapshot policy;
    private final ClusterView cluster;

    CsiClaims(String namespace, PolicySnapshot policy, ClusterView cluster) {
        this.namespace = namespace;
        this.policy = policy;
        this.cluster = cluster;
    }

    /** The first bucket whose claim is missing, and why, for auto to pass csi over and for the denial. */
    Optional<String> missing(List<Bucket> buckets) {
        for (Bucket bucket : buckets) {
            String claim = bucket.csi().claimName();
            if (cluster.claim(namespace, claim) != ClaimPresence.ABSENT || onItsWay(bucket)) {
                continue;
            }
            return Optional.of("claim " + claim + " of bucket " + bucket.name() + " does not exist in namespace "
                    + namespace + ": " + why(bucket));
        }
        return Optional.empty();
    }

    /** Whether s3jars will create the claim: it runs its volume controller and the policy has it keep this one. */
    private boolean onItsWay(Bucket bucket) {
        return cluster.managesCsiVolumes() && WantedVolumes.manages(policy, namespace, bucket);
    }

    private String why(Bucket bucket) {
        if (!bucket.csi().isDefaultFor(bucket.name())) {
            return "the policy names it as csi.claimName, so the platform team creates it (docs/install.md)";
        }
        if (!cluster.managesCsiVolumes() || !policy.defaults().manageCsiVolumes()) {
            return "s3jars does not manage csi volumes in this cluster (defaults.csi.manageVolumes in the policy, or"
                    + " the chart's csi.manageVolumes), so the platform team creates it (docs/install.md)";
        }
        if (!WantedVolumes.servedInCsiMode(policy, bucket)) {
            return "s3jars keeps claims only for buckets served in csi mode (csi in the bucket's policy entry, or"
                    + " defaults.mode csi); ask the platform team to declare it";
        }
        return "s3jars keeps claims only where a binding grants the bucket to every service account of the"
                + " namespace, since any pod there could mount the claim; this namespace's binding names service"
                + " accounts, so use another mode or ask the platform team to create the claim";
    }
}
