package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.s3jars.cluster.ClaimPresence;
import io.s3jars.volumes.VolumeNames;
import io.s3jars.volumes.WantedVolume;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * One pass of the csi volume controller: the volumes and claims wanted against those in the
 * informers' caches, and the writes that make them agree ({@link CsiVolumeWriter}). Holds the state
 * of one pass only.
 */
final class CsiVolumePass {

    private final KubernetesClient client;
    private final CsiVolumeWriter writer;
    private final BiFunction<String, String, ClaimPresence> claimPresence;

    CsiVolumePass(KubernetesClient client, CsiVolumeWriter writer, BiFunction<String, String, ClaimPresence> claimPresence) {
        this.client = client;
        this.writer = writer;
        this.claimPresence = claimPresence;
    }

    /**
     * Revocations first, so that a grant taken away never waits behind a create that fails in some
     * other namespace; then each wanted pair. A failed change is noted and the pass goes on.
     */
    List<String> run(List<WantedVolume> wanted, Collection<PersistentVolume> volumes,
            Collection<PersistentVolumeClaim> ownedClaimList) {
        Map<String, PersistentVolume> ownedVolumes = new HashMap<>();
        Set<String> takenNames = new HashSet<>();
        for (PersistentVolume volume : volumes) {
            takenNames.add(volume.getMetadata().getName());
            Map<String, String> labels = volume.getMetadata().getLabels();
            if (CsiVolumeObjects.owned(labels) && labels.containsKey(CsiVolumeObjects.CLAIM_NAMESPACE)) {
                ownedVolumes.putIfAbsent(key(labels.get(CsiVolumeObjects.CLAIM_NAMESPACE),
                        labels.get(CsiVolumeObjects.BUCKET)), volume);
            }
        }
        Map<String, PersistentVolumeClaim> ownedClaims = new HashMap<>();
        for (PersistentVolumeClaim claim : ownedClaimList) {
            ownedClaims.put(key(claim.getMetadata().getNamespace(), claim.getMetadata().getName()), claim);
        }
        Set<String> wantedVolumes = new HashSet<>();
        Set<String> wantedClaims = new HashSet<>();
        for (WantedVolume want : wanted) {
            wantedVolumes.add(key(want.namespace(), want.bucket().name()));
            wantedClaims.add(key(want.namespace(), want.claimName()));
        }
        List<String> failures = new ArrayList<>();
        Set<String> deletedClaims = new HashSet<>();
        ownedVolumes.forEach((key, volume) -> {
            if (!wantedVolumes.contains(key) && !deleting(volume)) {
                attempt(failures, () -> revoke(volume, "no binding of the s3jars policy grants bucket "
                        + volume.getMetadata().getLabels().get(CsiVolumeObjects.BUCKET) + " to namespace "
                        + volume.getMetadata().getLabels().get(CsiVolumeObjects.CLAIM_NAMESPACE) + " any more",
                        deletedClaims));
            }
        });
        ownedClaims.forEach((key, claim) -> {
            if (!wantedClaims.contains(key) && !deleting(claim) && !deletedClaims.contains(key)) {
                attempt(failures, () -> writer.delete(claim, "no binding of the s3jars policy grants bucket "
                        + claim.getMetadata().getLabels().get(CsiVolumeObjects.BUCKET) + " to this namespace any more"));
            }
        });
        for (WantedVolume want : wanted) {
            PersistentVolume existing = ownedVolumes.get(key(want.namespace(), want.bucket().name()));
            String name = existing != null ? existing.getMetadata().getName() : freeName(want, takenNames);
            takenNames.add(name);
            PersistentVolumeClaim claim = ownedClaims.get(key(want.namespace(), want.claimName()));
            attempt(failures, () -> ensure(want, name, existing, claim));
        }
        return failures;
    }

    private static void attempt(List<String> failures, Runnable change) {
        try {
            change.run();
        } catch (KubernetesClientException e) {
            failures.add(ApiServerProblems.firstLine(e));
        }
    }

    private static String freeName(WantedVolume want, Set<String> taken) {
        String plain = VolumeNames.plain(want.namespace(), want.bucket().name());
        return taken.contains(plain) ? VolumeNames.hashed(want.namespace(), want.bucket().name()) : plain;
    }

    /**
     * One wanted pair. A claim of that name that s3jars did not make (a tenant's, or one made by
     * hand before s3jars managed claims) is never taken over, and no volume is made for it: the
     * volume would bind to nothing, or to a claim whose spec s3jars does not decide.
     */
    private void ensure(WantedVolume want, String name, PersistentVolume existing, PersistentVolumeClaim claim) {
        if (claim == null && existing == null && claimPresence.apply(want.namespace(), want.claimName())
                == ClaimPresence.PRESENT && !ownedAfterAll(want)) {
            return;
        }
        ensureVolume(want, name, existing);
        ensureClaim(want, name, claim);
    }

    /** A claim the claim cache holds but the owned cache does not: s3jars' own, not yet seen there, or another's. */
    private boolean ownedAfterAll(WantedVolume want) {
        PersistentVolumeClaim current = client.persistentVolumeClaims().inNamespace(want.namespace())
                .withName(want.claimName()).get();
        if (current == null || CsiVolumeObjects.owned(current.getMetadata().getLabels())) {
            return true;
        }
        writer.warnNotOwned("PersistentVolumeClaim " + want.namespace() + "/" + want.claimName());
        return false;
    }

    private void ensureVolume(WantedVolume want, String name, PersistentVolume existing) {
        PersistentVolume desired = CsiVolumeObjects.volume(want, name);
        if (existing == null) {
            writer.create(desired, "for bucket " + want.bucket().name() + " in namespace " + want.namespace());
            return;
        }
        if (deleting(existing)) {
            return; // created again once it is gone
        }
        if (CsiVolumeObjects.sourceDiffers(existing, desired)) {
            // The volume stays while its claim is bound to it, so the claim goes too; running pods
            // keep both until they end.
            revoke(existing, "its CSI source differs from the policy's (bucket, cache), which cannot be changed in"
                    + " place; it and its claim are created again once no pod uses them", new HashSet<>());
            return;
        }
        List<String> drift = CsiVolumeObjects.volumeDrift(existing, desired);
        boolean rebind = CsiVolumeObjects.released(existing) && existing.getSpec().getClaimRef() != null
                && existing.getSpec().getClaimRef().getUid() != null;
        if (!drift.isEmpty() || rebind) {
            writer.update(CsiVolumeObjects.restored(existing, desired), drift.isEmpty()
                    ? "bound again to claim " + want.namespace() + "/" + want.claimName() + " (released by its deleted"
                            + " claim)"
                    : "put back " + String.join(", ", drift) + " as the s3jars policy has them");
        }
    }

    private void ensureClaim(WantedVolume want, String volumeName, PersistentVolumeClaim existing) {
        PersistentVolumeClaim desired = CsiVolumeObjects.claim(want, volumeName);
        if (existing == null) {
            writer.create(desired, "for bucket " + want.bucket().name() + ", bound to PersistentVolume " + volumeName);
            return;
        }
        if (deleting(existing)) {
            return;
        }
        if (CsiVolumeObjects.claimSpecDiffers(existing, desired)) {
            writer.delete(existing, "its spec differs from what s3jars keeps (volume " + volumeName
                    + "), which cannot be changed in place; it is created again");
        } else if (!CsiVolumeObjects.claimLabelsKept(existing, desired)) {
            writer.update(CsiVolumeObjects.claimWithLabels(existing, desired), "put back metadata.labels");
        }
    }

    /**
     * Deletes a volume and the claim bound to it, whoever made that claim: the claim named in the
     * volume's {@code claimRef}, when it is s3jars' or names the volume. A tenant can take the label
     * off s3jars' claim, or delete it and make its own of the same name, which the volume then binds;
     * revoking the grant must still end the tenant's access, and a bound claim keeps its volume.
     */
    private void revoke(PersistentVolume volume, String why, Set<String> deletedClaims) {
        ObjectReference ref = volume.getSpec().getClaimRef();
        if (ref != null && ref.getNamespace() != null && ref.getName() != null) {
            PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ref.getNamespace())
                    .withName(ref.getName()).get();
            if (claim != null && !deleting(claim) && (CsiVolumeObjects.owned(claim.getMetadata().getLabels())
                    || volume.getMetadata().getName().equals(claim.getSpec().getVolumeName()))) {
                writer.delete(claim, "its PersistentVolume " + volume.getMetadata().getName() + " is deleted: " + why);
                deletedClaims.add(key(ref.getNamespace(), ref.getName()));
            }
        }
        writer.delete(volume, why);
    }

    static boolean deleting(HasMetadata object) {
        return object.getMetadata().getDeletionTimestamp() != null;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
