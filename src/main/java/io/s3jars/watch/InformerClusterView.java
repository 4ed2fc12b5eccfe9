package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.s3jars.cluster.ClaimPresence;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.MountReadyIndex;
import io.s3jars.cluster.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The cluster as watched by two informers: nodes (into a {@link MountReadyIndex}) and namespaces
 * (their Pod Security level). Requests read only these caches; the informers keep only the
 * fields the webhook needs, so thousands of nodes cost little memory.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

    public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

    private final MountReadyIndex index = new MountReadyIndex();
    private final Map<String, String> podSecurityLevels = new ConcurrentHashMap<>();
    private final Map<String, GuardMode> guardModes = new ConcurrentHashMap<>();
    private final Set<String> knownNamespaces = ConcurrentHashMap.newKeySet();
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<CSIDriver> csiDriver;
    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final boolean managesCsiVolumes;

    /**
     * @param managesCsiVolumes whether this installation runs the csi volume controller
     *                          ({@code S3JARS_CSI_MANAGE_VOLUMES})
     */
    public InformerClusterView(KubernetesClient client, boolean managesCsiVolumes) {
        this.managesCsiVolumes = managesCsiVolumes;
        this.nodes = client.nodes().runnableInformer(0);
        nodes.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Node.class,
                client.getKubernetesSerialization(), "metadata.labels", "spec.unschedulable", "spec.taints",
                "status.conditions"));
        nodes.addEventHandler(handler(n -> index.upsert(ApiNodes.summary(n)), n -> index.remove(name(n))));
        nodes.exceptionHandler(InformerClusterView::retry);
        this.namespaces = client.namespaces().runnableInformer(0);
        namespaces.exceptionHandler(InformerClusterView::retry);
        namespaces.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Namespace.class,
                client.getKubernetesSerialization(), "metadata.labels"));
        namespaces.addEventHandler(handler(this::recordNamespace, this::forgetNamespace));
        // Only the Mountpoint for Amazon S3 driver's object, for auto mode; not a readiness gate: until
        // it is known, auto does not choose csi.
        this.csiDriver = client.storage().v1().csiDrivers().withName(CSI_DRIVER).runnableInformer(0);
        csiDriver.exceptionHandler(InformerClusterView::retry);
        // Claims by namespace and name only, for csi mode's missing-claim denial; not a readiness gate
        // either: until listed, no pod is refused for a missing claim.
        this.claims = client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0);
        claims.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, PersistentVolumeClaim.class,
                client.getKubernetesSerialization(), "metadata.name"));
        claims.exceptionHandler(InformerClusterView::retry);
    }

    /** Starts the informers; they list, then watch, and reconnect on their own. */
    public void start() {
        nodes.start();
        namespaces.start();
        csiDriver.start();
        claims.start();
    }

    public boolean nodesSynced() {
        return nodes.hasSynced();
    }

    public boolean namespacesSynced() {
        return namespaces.hasSynced();
    }

    /** False while a watch is down (the API server unreachable); the caches keep serving meanwhile. */
    public boolean watching() {
        return nodes.isWatching() && namespaces.isWatching();
    }

    public int nodeCount() {
        return index.size();
    }

    @Override
    public int mountReadyNodes(Map<String, String> labels, List<Toleration> tolerations) {
        return index.mountReadyNodes(labels, tolerations);
    }

    @Override
    public Optional<String> podSecurityLevel(String namespace) {
        return Optional.ofNullable(podSecurityLevels.get(namespace));
    }

    @Override
    public void close() {
        nodes.close();
        namespaces.close();
        csiDriver.close();
        claims.close();
    }

    @Override
    public boolean csiDriverInstalled() {
        return !csiDriver.getStore().list().isEmpty();
    }

    /**
     * A namespace the cache has not seen yet (created a moment ago, or labelled while the watch was
     * down) gets the strictest mode: the API server chose the webhook from labels this replica does
     * not know, and a pod refused now is retried by its controller once the cache has caught up.
     */
    @Override
    public GuardMode guardMode(String namespace) {
        GuardMode mode = guardModes.get(namespace);
        if (mode != null) {
            return mode;
        }
        return namespaces.hasSynced() && !knownNamespaces.contains(namespace) ? GuardMode.ENFORCE : GuardMode.PATHS_ONLY;
    }

    private void forgetNamespace(Namespace namespace) {
        knownNamespaces.remove(name(namespace));
        podSecurityLevels.remove(name(namespace));
        guardModes.remove(name(namespace));
    }

    private void recordNamespace(Namespace namespace) {
        knownNamespaces.add(name(namespace));
        Map<String, String> labels = namespace.getMetadata().getLabels();
        GuardMode guard = GuardMode.of(labels);
        if (guard == GuardMode.PATHS_ONLY) {
            guardModes.remove(name(namespace));
        } else {
            guardModes.put(name(namespace), guard);
        }
        String level = labels == null ? null : labels.get(ENFORCE_LABEL);
        if (level == null) {
            podSecurityLevels.remove(name(namespace));
        } else {
            podSecurityLevels.put(name(namespace), level);
        }
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getName();
    }

    /**
     * fabric8 stops an informer for good when its first list fails (the API server not reachable
     * yet, RBAC applied after the pod started), which would leave the webhook not ready until
     * restarted. That is retried too, with fabric8's backoff; readiness says not synced meanwhile.
     * After the first sync, fabric8's own rule applies (retry, except a failed watch).
     */
    public static boolean retry(boolean synced, Throwable failure) {
        ApiServerProblems.record(failure);
        return !synced || !(failure instanceof WatcherException);
    }

    static <T> ResourceEventHandler<T> handler(Consumer<T> upsert, Consumer<T> delete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                upsert.accept(object);
            }

            @Override
            public void onUpdate(T oldObject, T newObject) {
                upsert.accept(newObject);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                delete.accept(object);
            }
        };
    }

    @Override
    public Set<String> nodeMountPaths() {
        return index.mountPaths();
    }

    @Override
    public ClaimPresence claim(String namespace, String name) {
        if (!claims.hasSynced()) {
            return ClaimPresence.UNKNOWN;
        }
        return claims.getStore().getByKey(namespace + "/" + name) != null ? ClaimPresence.PRESENT : ClaimPresence.ABSENT;
    }

    @Override
    public boolean managesCsiVolumes() {
        return managesCsiVolumes;
    }
}
