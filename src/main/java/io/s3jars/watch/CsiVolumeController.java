package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.volumes.VolumeNames;
import io.s3jars.volumes.WantedVolume;
import io.s3jars.volumes.WantedVolumes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps csi mode's PersistentVolumes and claims in step with the policy and the namespaces that
 * exist ({@link WantedVolumes}): creates what is missing, puts back what was edited by hand,
 * deletes what it owns and no longer wants, and leaves everything else alone. Level-based: each
 * pass compares the whole wanted state with the cluster's, so a missed event or a restart costs
 * nothing but one pass.
 *
 * <p>One replica at a time writes: the holder of a Lease in the webhook's namespace (fabric8's
 * leader election, as controllers do). Only the holder watches volumes, claims and namespaces; the
 * others only try to take the Lease. Every change is logged and recorded as an Event on the object.
 */
public final class CsiVolumeController implements AutoCloseable {

    /** What the controller needs to know besides the policy. */
    public record Settings(String namespace, String identity, String leaseName, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod, Duration resync) {
    }

    private static final Logger LOG = Logger.getLogger(CsiVolumeController.class);
    /** Events of a cluster-scoped object go to this namespace, where {@code kubectl describe} looks for them. */
    private static final String EVENTS_OF_VOLUMES = "default";
    private static final Duration DEBOUNCE = Duration.ofMillis(200);

    private final KubernetesClient client;
    private final PolicyStore store;
    private final Settings settings;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean passScheduled = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();
    private final Set<String> warnedNotOwned = ConcurrentHashMap.newKeySet();
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;
    private volatile String lastProblem;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<PersistentVolume> volumes;
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private ScheduledFuture<?> resync;

    public CsiVolumeController(KubernetesClient client, PolicyStore store, Settings settings) {
        this.client = client;
        this.store = store;
        this.settings = settings;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "s3jars-csi-volumes");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Joins the election; the winner starts watching and reconciling. */
    public void start() {
        store.onInstall(policy -> schedulePass());
        elect();
    }

    /** Whether this replica holds the Lease and so is the one writing. */
    public boolean leading() {
        return leading;
    }

    /** Objects created, updated or deleted by this replica since start. */
    public long writes() {
        return writes.get();
    }

    /** Why the last pass failed, if it did; null after a pass that went through. */
    public String lastProblem() {
        return lastProblem;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<?> current = election;
        if (current != null) {
            current.cancel(true); // releases the Lease (releaseOnCancel)
        }
        leading = false;
        onWorker(this::stopWatching);
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * fabric8's election ends once this replica loses the Lease (its future completes); a webhook
     * replica stays up and runs for it again, unlike a controller that exits.
     */
    private void elect() {
        if (closed) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(settings.leaseName())
                .withLock(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startLeading, this::stopLeading, this::newLeader))
                .build();
        CompletableFuture<?> running = client.leaderElector().withConfig(config).build().start();
        election = running;
        running.whenComplete((ok, failure) -> {
            if (!closed) {
                try {
                    worker.schedule(this::elect, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shuttingDown) {
                    // closed meanwhile
                }
            }
        });
    }

    private void startLeading() {
        LOG.infof("csi volumes: %s holds Lease %s/%s and keeps the volumes and claims", settings.identity(),
                settings.namespace(), settings.leaseName());
        leading = true;
        onWorker(this::startWatching);
    }

    private void stopLeading() {
        if (leading) {
            LOG.infof("csi volumes: %s no longer holds Lease %s/%s and stops writing", settings.identity(),
                    settings.namespace(), settings.leaseName());
        }
        leading = false;
        onWorker(this::stopWatching);
    }

    /** Runs {@code task} on the worker thread, unless the controller is closing. */
    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            // close() stops the informers itself
        }
    }

    private void newLeader(String identity) {
        LOG.debugf("csi volumes: Lease %s/%s held by %s", settings.namespace(), settings.leaseName(), identity);
    }

    /** On the worker thread. */
    private void startWatching() {
        if (!leading || namespaces != null) {
            return;
        }
        namespaces = client.namespaces().runnableInformer(0);
        namespaces.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Namespace.class,
                client.getKubernetesSerialization(), "status.phase"));
        volumes = client.persistentVolumes().runnableInformer(0);
        claims = client.persistentVolumeClaims().inAnyNamespace()
                .withLabel(CsiVolumeObjects.MANAGED_BY, CsiVolumeObjects.OWNER).runnableInformer(0);
        for (SharedIndexInformer<?> informer : List.of(namespaces, volumes, claims)) {
            informer.exceptionHandler(InformerClusterView::retry);
            informer.addEventHandler(InformerClusterView.handler(o -> schedulePass(), o -> schedulePass()));
            informer.start();
        }
        long every = settings.resync().toMillis();
        resync = worker.scheduleWithFixedDelay(this::schedulePass, every, every, TimeUnit.MILLISECONDS);
    }

    /** On the worker thread. */
    private void stopWatching() {
        if (resync != null) {
            resync.cancel(false);
            resync = null;
        }
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] {namespaces, volumes, claims}) {
            if (informer != null) {
                informer.close();
            }
        }
        namespaces = null;
        volumes = null;
        claims = null;
    }

    /** Many events in a burst (a policy with many bindings, a list) make one pass. */
    private void schedulePass() {
        if (leading && !closed && passScheduled.compareAndSet(false, true)) {
            try {
                worker.schedule(this::pass, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                passScheduled.set(false);
            }
        }
    }

    /**
     * One comparison of everything wanted with everything there. Nothing happens before all three
     * informers have listed (an empty cache would look like "delete it all"), without a valid
     * policy, or when the policy turns management off: then the objects are left as they are.
     */
    private void pass() {
        passScheduled.set(false);
        if (!leading || namespaces == null || !namespaces.hasSynced() || !volumes.hasSynced() || !claims.hasSynced()) {
            return;
        }
        Optional<PolicySnapshot> policy = store.snapshot();
        if (policy.isEmpty() || !policy.get().defaults().manageCsiVolumes()) {
            return;
        }
        try {
            reconcile(policy.get());
            lastProblem = null;
        } catch (KubernetesClientException e) {
            lastProblem = e.getMessage();
            LOG.warnf("csi volumes: a change failed and is retried in %s: %s", settings.resync(), oneLine(e));
            LOG.debug("csi volumes: failure", e);
        }
    }

    private void reconcile(PolicySnapshot policy) {
        Set<String> active = namespaces.getStore().list().stream()
                .filter(n -> n.getStatus() == null || !"Terminating".equals(n.getStatus().getPhase()))
                .map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
        List<WantedVolume> wanted = WantedVolumes.of(policy, active);
        Map<String, PersistentVolume> ownedVolumes = new HashMap<>();
        Set<String> takenNames = new HashSet<>();
        for (PersistentVolume volume : volumes.getStore().list()) {
            takenNames.add(volume.getMetadata().getName());
            Map<String, String> labels = volume.getMetadata().getLabels();
            if (CsiVolumeObjects.owned(labels) && labels.containsKey(CsiVolumeObjects.CLAIM_NAMESPACE)) {
                ownedVolumes.putIfAbsent(key(labels.get(CsiVolumeObjects.CLAIM_NAMESPACE),
                        labels.get(CsiVolumeObjects.BUCKET)), volume);
            }
        }
        Map<String, PersistentVolumeClaim> ownedClaims = new HashMap<>();
        for (PersistentVolumeClaim claim : claims.getStore().list()) {
            ownedClaims.put(claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName(), claim);
        }
        Set<String> wantedVolumes = new HashSet<>();
        Set<String> wantedClaims = new HashSet<>();
        for (WantedVolume want : wanted) {
            String key = key(want.namespace(), want.bucket().name());
            PersistentVolume existing = ownedVolumes.get(key);
            String name = existing != null ? existing.getMetadata().getName() : freeName(want, takenNames);
            takenNames.add(name);
            wantedVolumes.add(key);
            wantedClaims.add(want.namespace() + "/" + want.claimName());
            ensureVolume(want, name, existing);
            ensureClaim(want, name, ownedClaims.get(want.namespace() + "/" + want.claimName()));
        }
        ownedVolumes.forEach((key, volume) -> {
            if (!wantedVolumes.contains(key)) {
                delete(volume, "no binding of the s3jars policy grants bucket "
                        + volume.getMetadata().getLabels().get(CsiVolumeObjects.BUCKET) + " to namespace "
                        + volume.getMetadata().getLabels().get(CsiVolumeObjects.CLAIM_NAMESPACE) + " any more");
            }
        });
        ownedClaims.forEach((key, claim) -> {
            if (!wantedClaims.contains(key)) {
                delete(claim, "no binding of the s3jars policy grants bucket "
                        + claim.getMetadata().getLabels().get(CsiVolumeObjects.BUCKET) + " to this namespace any more");
            }
        });
    }

    private static String freeName(WantedVolume want, Set<String> taken) {
        String plain = VolumeNames.plain(want.namespace(), want.bucket().name());
        return taken.contains(plain) ? VolumeNames.hashed(want.namespace(), want.bucket().name()) : plain;
    }

    private void ensureVolume(WantedVolume want, String name, PersistentVolume existing) {
        PersistentVolume desired = CsiVolumeObjects.volume(want, name);
        if (existing == null) {
            create(desired, "for bucket " + want.bucket().name() + " in namespace " + want.namespace());
            return;
        }
        if (existing.getMetadata().getDeletionTimestamp() != null) {
            return; // still in use by a pod; created again once it is gone
        }
        if (CsiVolumeObjects.sourceDiffers(existing, desired)) {
            delete(existing, "its CSI source differs from the policy's (bucket, cache), which cannot be changed in"
                    + " place; it is created again once no pod uses it");
            return;
        }
        List<String> drift = CsiVolumeObjects.volumeDrift(existing, desired);
        boolean released = CsiVolumeObjects.released(existing);
        if (!drift.isEmpty() || released) {
            update(CsiVolumeObjects.restored(existing, desired), drift.isEmpty()
                    ? "released by its deleted claim; bound again to claim " + want.namespace() + "/" + want.claimName()
                    : "put back " + String.join(", ", drift) + " as the s3jars policy has them");
        }
    }

    private void ensureClaim(WantedVolume want, String volumeName, PersistentVolumeClaim existing) {
        PersistentVolumeClaim desired = CsiVolumeObjects.claim(want, volumeName);
        if (existing == null) {
            create(desired, "for bucket " + want.bucket().name() + ", bound to PersistentVolume " + volumeName);
            return;
        }
        if (existing.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        if (CsiVolumeObjects.claimSpecDiffers(existing, desired)) {
            delete(existing, "its spec differs from what s3jars keeps (volume " + volumeName
                    + "), which cannot be changed in place; it is created again");
        } else if (!CsiVolumeObjects.claimLabelsKept(existing, desired)) {
            update(CsiVolumeObjects.claimWithLabels(existing, desired), "put back metadata.labels");
        }
    }

    private void create(HasMetadata object, String why) {
        try {
            client.resource(object).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // A claim or volume of that name that s3jars does not own: never taken over, and said once.
            if (warnedNotOwned.add(describe(object))) {
                LOG.warnf("csi volumes: %s exists and is not s3jars' (no label %s=%s); left alone, and pods in csi"
                        + " mode mount it as it is", describe(object), CsiVolumeObjects.MANAGED_BY, CsiVolumeObjects.OWNER);
            }
            return;
        }
        changed(object, "Created", "s3jars created " + describe(object) + " " + why);
    }

    private void update(HasMetadata object, String why) {
        client.resource(object).update();
        changed(object, "Restored", "s3jars " + why + " on " + describe(object));
    }

    private void delete(HasMetadata object, String why) {
        client.resource(object).delete();
        changed(object, "Deleted", "s3jars deleted " + describe(object) + ": " + why);
    }

    private void changed(HasMetadata object, String reason, String message) {
        writes.incrementAndGet();
        LOG.info("csi volumes: " + message);
        event(object, reason, message);
    }

    /** An Event on the object, for {@code kubectl describe}; losing one is logged, never fatal. */
    private void event(HasMetadata object, String reason, String message) {
        String namespace = object.getMetadata().getNamespace() == null ? EVENTS_OF_VOLUMES
                : object.getMetadata().getNamespace();
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC));
        var event = new EventBuilder()
                .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".").withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind(object.getKind())
                .withName(object.getMetadata().getName()).withNamespace(object.getMetadata().getNamespace())
                .withUid(object.getMetadata().getUid()).endInvolvedObject()
                .withType("Normal").withReason(reason).withMessage(message)
                .withNewSource().withComponent("s3jars").endSource()
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("csi volumes: no Event for %s: %s", describe(object), oneLine(e));
        }
    }

    private static String describe(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
    }

    private static String key(String namespace, String bucket) {
        return namespace + "/" + bucket;
    }

    private static String oneLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
