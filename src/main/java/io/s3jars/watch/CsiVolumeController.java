package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.s3jars.cluster.ClaimPresence;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.volumes.WantedVolumes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private static final Duration DEBOUNCE = Duration.ofMillis(200);
    private static final Duration MIN_PASS_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final PolicyStore store;
    private final Settings settings;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean passScheduled = new AtomicBoolean();
    private final CsiVolumeWriter writer;
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
        this.writer = new CsiVolumeWriter(client, () -> leading && !closed);
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
        return writer.writes();
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
            Set<String> active = namespaces.getStore().list().stream()
                    .filter(n -> n.getStatus() == null || !"Terminating".equals(n.getStatus().getPhase()))
                    .map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
            List<String> failures = new CsiVolumePass(client, writer, claimPresence)
                    .run(WantedVolumes.of(policy.get(), active), volumes.getStore().list(), claims.getStore().list());
            report(failures);
        } catch (CsiVolumeWriter.LostLease lost) {
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
}
