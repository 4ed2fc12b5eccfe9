package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.s3jars.cluster.ClaimPresence;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.volumes.VolumeNames;
import io.s3jars.volumes.WantedVolume;
import io.s3jars.volumes.WantedVolumes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
import java.util.function.BiFunction;
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

    /** The Lease in the webhook's namespace; fixed, since the chart's RBAC names it. */
    public static final String LEASE_NAME = "s3jars-csi-volumes";
    private static final Logger LOG = Logger.getLogger(CsiVolumeController.class);
    /** Events of a cluster-scoped object go to this namespace, where {@code kubectl describe} looks for them. */
    private static final String EVENTS_OF_VOLUMES = "default";
    private static final Duration DEBOUNCE = Duration.ofMillis(200);
    private static final Duration MIN_PASS_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

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
    private volatile LeaderElector elector;
    private volatile String lastProblem;
    private String lastFirstFailure;
    private volatile long lastPassStart = System.nanoTime() - Duration.ofMinutes(1).toNanos();
    private final BiFunction<String, String, ClaimPresence> claimPresence;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<PersistentVolume> volumes;
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private ScheduledFuture<?> resync;

    /**
     * @param claimPresence whether a claim of that namespace and name exists, whoever made it (the
     *                      webhook's claim informer), to leave others' claims alone without a call
     */
    public CsiVolumeController(KubernetesClient client, PolicyStore store, Settings settings,
            BiFunction<String, String, ClaimPresence> claimPresence) {
        this.claimPresence = claimPresence;
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
        boolean held = leading;
        leading = false;
        onWorker(this::stopWatching);
        worker.shutdown();
        try {
            CompletableFuture<?> current = election;
            if (current != null) {
                // fabric8's elector holds its monitor through a whole attempt, retries included, and
                // cancelling waits for it: a shutdown while the API server is away must not.
                awhile("s3jars-csi-volumes-stop", () -> current.cancel(true));
            }
            if (held) {
                release();
            }
            if (!worker.awaitTermination(2, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands the Lease back, so another replica takes over at once rather than after the lease
     * duration; at most {@link #RELEASE_WAIT}, since the API server may be the reason for stopping
     * (fabric8 retries a failed call for seconds) and a shutdown must not wait on it.
     */
    private void release() throws InterruptedException {
        LeaderElector current = elector;
        if (current == null) {
            return;
        }
        awhile("s3jars-csi-volumes-release", current::release);
    }

    /** Runs {@code task} on a thread of its own and waits for it at most {@link #RELEASE_WAIT}. */
    private static void awhile(String name, Runnable task) throws InterruptedException {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        thread.join(RELEASE_WAIT.toMillis());
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
                .withLock(new RecordingLock(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity())))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withLeaderCallbacks(new LeaderCallbacks(this::startLeading, this::stopLeading, this::newLeader))
                .build();
        LeaderElector next = client.leaderElector().withConfig(config).build();
        elector = next;
        CompletableFuture<?> running = next.start();
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

    /**
     * Many events in a burst (a policy with many bindings, a list) make one pass, and passes are at
     * least {@link #MIN_PASS_INTERVAL} apart, so a tenant editing its objects cannot drive them faster.
     */
    private void schedulePass() {
        if (leading && !closed && passScheduled.compareAndSet(false, true)) {
            long sinceLast = System.nanoTime() - lastPassStart;
            long delay = Math.max(DEBOUNCE.toNanos(), MIN_PASS_INTERVAL.toNanos() - sinceLast);
            try {
                worker.schedule(this::pass, delay, TimeUnit.NANOSECONDS);
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
        lastPassStart = System.nanoTime();
        if (!leading || namespaces == null || !namespaces.hasSynced() || !volumes.hasSynced() || !claims.hasSynced()) {
            return;
        }
        Optional<PolicySnapshot> policy = store.snapshot();
        if (policy.isEmpty() || !policy.get().defaults().manageCsiVolumes()) {
            return;
        }
        try {
            List<String> failures = reconcile(policy.get());
            report(failures);
        } catch (LostLease lost) {
            LOG.debug("csi volumes: pass stopped, the Lease is lost");
        } catch (RuntimeException e) {
            report(List.of(e.toString()));
            LOG.debug("csi volumes: pass failed", e);
        }
    }

    /** A WARN when the failures change, so a failure that lasts is said once, not on every pass. */
    private void report(List<String> failures) {
        String problem = failures.isEmpty() ? null
                : failures.size() + " change(s) failed, retried on the next pass; first: " + failures.get(0);
        String said = lastProblem;
        lastProblem = problem;
        if (problem != null && !failures.get(0).equals(lastFirstFailure)) {
            LOG.warn("csi volumes: " + problem);
        } else if (problem == null && said != null) {
            LOG.info("csi volumes: every change went through again");
        }
        lastFirstFailure = failures.isEmpty() ? null : failures.get(0);
    }

    /**
     * Revocations first, so that a grant taken away never waits behind a create that fails in some
     * other namespace; then each wanted pair. A failed change is noted and the pass goes on.
     */
    private List<String> reconcile(PolicySnapshot policy) {
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
                attempt(failures, () -> delete(claim, "no binding of the s3jars policy grants bucket "
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
            failures.add(oneLine(e));
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
        ensureVolume(want, name, existing, claim);
        ensureClaim(want, name, claim);
    }

    /** A claim the claim cache holds but the owned cache does not: s3jars' own, not yet seen there, or another's. */
    private boolean ownedAfterAll(WantedVolume want) {
        PersistentVolumeClaim current = client.persistentVolumeClaims().inNamespace(want.namespace())
                .withName(want.claimName()).get();
        if (current == null || CsiVolumeObjects.owned(current.getMetadata().getLabels())) {
            return true;
        }
        warnNotOwned("PersistentVolumeClaim " + want.namespace() + "/" + want.claimName());
        return false;
    }

    private void ensureVolume(WantedVolume want, String name, PersistentVolume existing, PersistentVolumeClaim claim) {
        PersistentVolume desired = CsiVolumeObjects.volume(want, name);
        if (existing == null) {
            create(desired, "for bucket " + want.bucket().name() + " in namespace " + want.namespace());
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
            update(CsiVolumeObjects.restored(existing, desired), drift.isEmpty()
                    ? "bound again to claim " + want.namespace() + "/" + want.claimName() + " (released by its deleted"
                            + " claim)"
                    : "put back " + String.join(", ", drift) + " as the s3jars policy has them");
        }
    }

    private void ensureClaim(WantedVolume want, String volumeName, PersistentVolumeClaim existing) {
        PersistentVolumeClaim desired = CsiVolumeObjects.claim(want, volumeName);
        if (existing == null) {
            create(desired, "for bucket " + want.bucket().name() + ", bound to PersistentVolume " + volumeName);
            return;
        }
        if (deleting(existing)) {
            return;
        }
        if (CsiVolumeObjects.claimSpecDiffers(existing, desired)) {
            delete(existing, "its spec differs from what s3jars keeps (volume " + volumeName
                    + "), which cannot be changed in place; it is created again");
        } else if (!CsiVolumeObjects.claimLabelsKept(existing, desired)) {
            update(CsiVolumeObjects.claimWithLabels(existing, desired), "put back metadata.labels");
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
                delete(claim, "its PersistentVolume " + volume.getMetadata().getName() + " is deleted: " + why);
                deletedClaims.add(key(ref.getNamespace(), ref.getName()));
            }
        }
        delete(volume, why);
    }

    private static boolean deleting(HasMetadata object) {
        return object.getMetadata().getDeletionTimestamp() != null;
    }

    private void create(HasMetadata object, String why) {
        checkLease();
        try {
            client.resource(object).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            HasMetadata current = client.resource(object).get();
            if (current == null || !CsiVolumeObjects.owned(current.getMetadata().getLabels())) {
                warnNotOwned(describe(object));
            }
            return; // s3jars' own, created a moment ago: the cache had not seen it yet
        }
        changed(object, "Created", "s3jars created " + describe(object) + " " + why);
    }

    private void warnNotOwned(String object) {
        if (warnedNotOwned.add(object)) {
            LOG.warnf("csi volumes: %s exists and is not s3jars' (no label %s=%s); left alone, and pods in csi mode"
                    + " mount it as it is", object, CsiVolumeObjects.MANAGED_BY, CsiVolumeObjects.OWNER);
        }
    }

    private void update(HasMetadata object, String why) {
        checkLease();
        client.resource(object).update();
        changed(object, "Restored", "s3jars " + why + " on " + describe(object));
    }

    private void delete(HasMetadata object, String why) {
        checkLease();
        client.resource(object).delete();
        changed(object, "Deleted", "s3jars deleted " + describe(object) + ": " + why);
    }

    /**
     * Every write checks the Lease first: a pass that outlives this replica's hold stops at its next
     * write instead of acting on a policy the new holder may have moved past.
     */
    private void checkLease() {
        if (!leading || closed) {
            throw new LostLease();
        }
    }

    /** The pass ends: this replica no longer holds the Lease. */
    private static final class LostLease extends RuntimeException {
        LostLease() {
            super(null, null, false, false);
        }
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
