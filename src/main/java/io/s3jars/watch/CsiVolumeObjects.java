package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.s3jars.cluster.ClusterView;
import io.s3jars.volumes.WantedVolume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The PersistentVolume and claim of a {@link WantedVolume} as fabric8 objects, and how an object in
 * the cluster differs from them. Only the fields s3jars sets are compared: the API server and the
 * volume binder add their own (defaults, {@code claimRef.uid}, status), which are left alone.
 */
final class CsiVolumeObjects {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String OWNER = "s3jars";
    static final String BUCKET = "s3jars.io/bucket";
    static final String CLAIM_NAMESPACE = "s3jars.io/claim-namespace";
    static final String RETAIN = "Retain";
    static final String READ_ONLY_MANY = "ReadOnlyMany";

    private CsiVolumeObjects() {
    }

    static boolean owned(Map<String, String> labels) {
        return labels != null && OWNER.equals(labels.get(MANAGED_BY));
    }

    static Map<String, String> volumeLabels(WantedVolume wanted) {
        Map<String, String> labels = claimLabels(wanted);
        labels.put(CLAIM_NAMESPACE, wanted.namespace());
        return labels;
    }

    static Map<String, String> claimLabels(WantedVolume wanted) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, OWNER);
        labels.put(BUCKET, wanted.bucket().name());
        return labels;
    }

    /**
     * The static volume: read-only, never deleted with its claim ({@code Retain}: the bucket is not
     * the cluster's to delete), and bound by {@code claimRef} to this namespace's claim only, so no
     * claim of another namespace can bind it.
     */
    static PersistentVolume volume(WantedVolume wanted, String name) {
        return new PersistentVolumeBuilder()
                .withNewMetadata().withName(name).withLabels(volumeLabels(wanted)).endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(WantedVolume.STORAGE)))
                .withAccessModes(READ_ONLY_MANY)
                .withPersistentVolumeReclaimPolicy(RETAIN)
                .withStorageClassName("")
                .withNewClaimRef().withApiVersion("v1").withKind("PersistentVolumeClaim")
                .withNamespace(wanted.namespace()).withName(wanted.claimName()).endClaimRef()
                .withMountOptions(wanted.mountOptions())
                .withNewCsi().withDriver(ClusterView.CSI_DRIVER).withVolumeHandle(wanted.volumeHandle())
                .withVolumeAttributes(wanted.volumeAttributes()).endCsi()
                .endSpec()
                .build();
    }

    static PersistentVolumeClaim claim(WantedVolume wanted, String volumeName) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(wanted.claimName()).withNamespace(wanted.namespace())
                .withLabels(claimLabels(wanted)).endMetadata()
                .withNewSpec()
                .withAccessModes(READ_ONLY_MANY)
                .withStorageClassName("")
                .withVolumeName(volumeName)
                .withNewResources().withRequests(Map.of("storage", new Quantity(WantedVolume.STORAGE))).endResources()
                .endSpec()
                .build();
    }

    /**
     * Whether the volume's CSI source differs: the API server does not let it change, so such a
     * volume is deleted and created again.
     */
    static boolean sourceDiffers(PersistentVolume actual, PersistentVolume wanted) {
        return !Objects.equals(actual.getSpec().getCsi() == null ? null : source(actual.getSpec()),
                source(wanted.getSpec()));
    }

    private static List<Object> source(PersistentVolumeSpec spec) {
        var csi = spec.getCsi();
        return List.of(String.valueOf(csi.getDriver()), String.valueOf(csi.getVolumeHandle()),
                csi.getVolumeAttributes() == null ? Map.of() : csi.getVolumeAttributes());
    }

    /** The fields of the volume that differ from what s3jars wants, by name; empty when none does. */
    static List<String> volumeDrift(PersistentVolume actual, PersistentVolume wanted) {
        List<String> drift = new ArrayList<>();
        PersistentVolumeSpec a = actual.getSpec();
        PersistentVolumeSpec w = wanted.getSpec();
        if (!labelsKept(actual.getMetadata().getLabels(), wanted.getMetadata().getLabels())) {
            drift.add("metadata.labels");
        }
        if (!sameStorage(a.getCapacity(), w.getCapacity())) {
            drift.add("spec.capacity");
        }
        if (!Objects.equals(a.getAccessModes(), w.getAccessModes())) {
            drift.add("spec.accessModes");
        }
        if (!RETAIN.equals(a.getPersistentVolumeReclaimPolicy())) {
            drift.add("spec.persistentVolumeReclaimPolicy");
        }
        if (!"".equals(Optional.ofNullable(a.getStorageClassName()).orElse(""))) {
            drift.add("spec.storageClassName");
        }
        ObjectReference ref = a.getClaimRef();
        if (ref == null || !w.getClaimRef().getNamespace().equals(ref.getNamespace())
                || !w.getClaimRef().getName().equals(ref.getName())) {
            drift.add("spec.claimRef");
        }
        if (!Objects.equals(a.getMountOptions(), w.getMountOptions())) {
            drift.add("spec.mountOptions");
        }
        return drift;
    }

    /**
     * The volume as it is, with s3jars' fields put back. A volume whose claim was deleted is
     * {@code Released} and keeps the old claim's uid, so the claim s3jars creates again could never
     * bind it; the uid is dropped so that it can.
     */
    static PersistentVolume restored(PersistentVolume actual, PersistentVolume wanted) {
        PersistentVolume copy = new PersistentVolumeBuilder(actual).build();
        Map<String, String> labels = new LinkedHashMap<>(Optional.ofNullable(copy.getMetadata().getLabels()).orElse(Map.of()));
        labels.putAll(wanted.getMetadata().getLabels());
        copy.getMetadata().setLabels(labels);
        PersistentVolumeSpec spec = copy.getSpec();
        PersistentVolumeSpec w = wanted.getSpec();
        spec.setCapacity(w.getCapacity());
        spec.setAccessModes(w.getAccessModes());
        spec.setPersistentVolumeReclaimPolicy(RETAIN);
        spec.setStorageClassName("");
        spec.setMountOptions(w.getMountOptions());
        ObjectReference ref = spec.getClaimRef();
        boolean sameClaim = ref != null && Objects.equals(ref.getNamespace(), w.getClaimRef().getNamespace())
                && Objects.equals(ref.getName(), w.getClaimRef().getName());
        if (!sameClaim || released(actual)) {
            spec.setClaimRef(w.getClaimRef());
        }
        return copy;
    }

    static boolean released(PersistentVolume volume) {
        return volume.getStatus() != null && "Released".equals(volume.getStatus().getPhase());
    }

    /**
     * Whether the claim's spec differs in what the API server does not let change once bound (the
     * volume, the access modes, the class): such a claim is deleted and created again.
     */
    static boolean claimSpecDiffers(PersistentVolumeClaim actual, PersistentVolumeClaim wanted) {
        PersistentVolumeClaimSpec a = actual.getSpec();
        PersistentVolumeClaimSpec w = wanted.getSpec();
        return !Objects.equals(a.getVolumeName(), w.getVolumeName())
                || !Objects.equals(a.getAccessModes(), w.getAccessModes())
                || !"".equals(Optional.ofNullable(a.getStorageClassName()).orElse(""));
    }

    static boolean claimLabelsKept(PersistentVolumeClaim actual, PersistentVolumeClaim wanted) {
        return labelsKept(actual.getMetadata().getLabels(), wanted.getMetadata().getLabels());
    }

    static PersistentVolumeClaim claimWithLabels(PersistentVolumeClaim actual, PersistentVolumeClaim wanted) {
        PersistentVolumeClaim copy = new PersistentVolumeClaimBuilder(actual).build();
        Map<String, String> labels = new LinkedHashMap<>(Optional.ofNullable(copy.getMetadata().getLabels()).orElse(Map.of()));
        labels.putAll(wanted.getMetadata().getLabels());
        copy.getMetadata().setLabels(labels);
        return copy;
    }

    private static boolean labelsKept(Map<String, String> actual, Map<String, String> wanted) {
        return actual != null && actual.entrySet().containsAll(wanted.entrySet());
    }

    private static boolean sameStorage(Map<String, Quantity> actual, Map<String, Quantity> wanted) {
        Quantity a = actual == null ? null : actual.get("storage");
        return a != null && Quantity.getAmountInBytes(a).compareTo(Quantity.getAmountInBytes(wanted.get("storage"))) == 0;
    }
}
