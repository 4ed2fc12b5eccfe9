package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.s3jars.cluster.ClusterView;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.policy.PolicyStore;
import io.s3jars.watch.ApiServerProblems;
import io.s3jars.watch.CsiVolumeController;
import io.s3jars.watch.InformerClusterView;
import io.s3jars.watch.NodeMountPathRecord;
import io.s3jars.watch.PolicyConfigMapWatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

/**
 * The policy from its ConfigMap, nodes and namespaces from informers, and the node mount paths
 * of every policy ever loaded from their durable record, which this source also keeps up to date. Starting does not wait for
 * the first list; readiness does. A short API server outage changes nothing (the caches keep
 * serving and the watches reconnect), but after {@link #MAX_DISCONNECTED} without a watch the
 * caches may be stale enough to matter, and the pod says so by turning not ready.
 */
final class ClusterSources implements Sources {

    static final Duration MAX_DISCONNECTED = Duration.ofMinutes(5);
    private static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(ClusterSources.class);

    private final KubernetesClient client;
    private final S3JarsConfig config;
    private final Clock clock;
    private final InformerClusterView view;
    private volatile PolicyConfigMapWatcher policyWatcher;
    private volatile NodeMountPathRecord mountPaths;
    private volatile CsiVolumeController csiVolumes;
    private ExecutorService recorder;
    private ScheduledExecutorService reporter;
    private Instant lastWarned;
    private Instant lastSaid = Instant.EPOCH;
    private volatile Instant disconnectedSince;

    ClusterSources(KubernetesClient client, S3JarsConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.view = new InformerClusterView(client, config.csi().manageVolumes());
    }

    @Override
    public ClusterView view() {
        return view;
    }

    @Override
    public void start(PolicyStore store) {
        view.start();
        mountPaths = new NodeMountPathRecord(client, config.namespace(), config.nodeMountPathRecord(), store);
        mountPaths.start();
        // Off the informer thread: writing the record is an API call that may be retried.
        recorder = Executors.newSingleThreadExecutor(r -> new Thread(r, "s3jars-node-mount-path-record"));
        store.onInstall(policy -> recorder.execute(() -> mountPaths.add(policy.nodeMountPaths())));
        S3JarsConfig.PolicyConfigMap configMap = config.policyConfigMap();
        policyWatcher = new PolicyConfigMapWatcher(client, config.namespace(), configMap.name(), configMap.key(), store);
        policyWatcher.start();
        S3JarsConfig.Csi csi = config.csi();
        if (csi.manageVolumes()) {
            csiVolumes = new CsiVolumeController(client, store, new CsiVolumeController.Settings(config.namespace(),
                    identity(), CsiVolumeController.LEASE_NAME, csi.leaseDuration(), csi.renewDeadline(),
                    csi.retryPeriod(), csi.resync()), view::claim);
            csiVolumes.start();
        }
        reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "s3jars-api-server-report");
            thread.setDaemon(true);
            return thread;
        });
        reporter.scheduleWithFixedDelay(this::reportApiServer, 2, 5, TimeUnit.SECONDS);
        LOG.infof("cluster mode: watching ConfigMap %s/%s (key %s), nodes and namespaces", config.namespace(),
                configMap.name(), configMap.key());
    }

    /**
     * One WARN a minute at most while calls to the API server fail, in place of fabric8's stack
     * trace per attempt; when nothing was ever reached, it also says how to run without a cluster.
     * An INFO once a minute has passed without a failure.
     */
    private void reportApiServer() {
        try {
            report(ApiServerProblems.latest(), Instant.now());
        } catch (RuntimeException e) {
            // A failure here must not end the schedule, which would silence the reports for good.
            LOG.debug("cluster mode: the API server report failed", e);
        }
    }

    private void report(Optional<ApiServerProblems.Problem> latest, Instant now) {
        // A problem older than a report interval is over: said already, or no longer worth saying.
        Optional<ApiServerProblems.Problem> fresh = latest.filter(p -> p.at().isAfter(lastSaid)
                && Duration.between(p.at(), now).compareTo(REPORT_EVERY) < 0);
        String url = String.valueOf(client.getMasterUrl());
        if (fresh.isPresent() && (lastWarned == null || Duration.between(lastWarned, now).compareTo(REPORT_EVERY) >= 0)) {
            ApiServerProblems.Problem problem = fresh.get();
            PolicyConfigMapWatcher watcher = policyWatcher;
            boolean neverSynced = !view.nodesSynced() && !view.namespacesSynced() && (watcher == null || !watcher.hasSynced());
            if (problem.answered()) {
                LOG.warnf("cluster mode: the API server at %s refuses calls (%s); check the RBAC of s3jars' service"
                        + " account (docs/operations.md#rbac); retrying with backoff", url, problem.cause());
            } else if (neverSynced) {
                LOG.warnf("cluster mode: cannot reach the API server at %s (%s); retrying with backoff. To run without"
                        + " a cluster, use local mode: set S3JARS_POLICY_FILE to a policy file", url, problem.cause());
            } else {
                LOG.warnf("cluster mode: calls to the API server at %s fail (%s); the caches keep serving and the calls"
                        + " are retried with backoff", url, problem.cause());
            }
            lastWarned = now;
            lastSaid = problem.at();
        } else if (fresh.isEmpty() && lastWarned != null && Duration.between(lastSaid, now).compareTo(REPORT_EVERY) >= 0) {
            LOG.infof("cluster mode: no call to the API server at %s has failed for a minute", url);
            lastWarned = null;
        }
    }

    /** The pod's name (its hostname) and a random part, unique even for two processes on one host, as client-go does. */
    private static String identity() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("s3jars");
        return host + "_" + UUID.randomUUID();
    }

    @Override
    public void stop() {
        CsiVolumeController volumes = csiVolumes;
        if (volumes != null) {
            volumes.close();
        }
        PolicyConfigMapWatcher watcher = policyWatcher;
        if (watcher != null) {
            watcher.close();
        }
        if (recorder != null) {
            recorder.shutdownNow();
        }
        if (reporter != null) {
            reporter.shutdownNow();
        }
        if (mountPaths != null) {
            mountPaths.close();
        }
        view.close();
    }

    @Override
    public HealthCheckResponseBuilder readiness(HealthCheckResponseBuilder check) {
        PolicyConfigMapWatcher watcher = policyWatcher;
        if (watcher == null) {
            return check.down().withData("mode", "cluster").withData("problem", "informers not started yet");
        }
        boolean nodes = view.nodesSynced();
        boolean namespaces = view.namespacesSynced();
        boolean policy = watcher.hasSynced();
        boolean record = mountPaths.hasSynced();
        boolean watching = view.watching() && watcher.watching() && mountPaths.watching();
        Instant now = clock.instant();
        if (watching) {
            disconnectedSince = null;
        } else if (disconnectedSince == null) {
            disconnectedSince = now;
        }
        Instant since = disconnectedSince;
        boolean staleTooLong = since != null && Duration.between(since, now).compareTo(MAX_DISCONNECTED) > 0;
        String recordProblem = mountPaths.lastProblem();
        if (recordProblem != null) {
            check.withData("nodeMountPathRecordProblem", recordProblem);
        }
        CsiVolumeController volumes = csiVolumes;
        if (volumes != null) {
            // Not a readiness gate: pods are answered whoever keeps the volumes.
            check.withData("csiVolumesLeader", volumes.leading());
            if (volumes.lastProblem() != null) {
                check.withData("csiVolumesProblem", volumes.lastProblem());
            }
        }
        return check.status(nodes && namespaces && policy && record && !staleTooLong)
                .withData("watching", watching)
                .withData("disconnectedSince", since == null ? "" : since.toString())
                .withData("mode", "cluster")
                .withData("nodesSynced", nodes)
                .withData("nodes", view.nodeCount())
                .withData("namespacesSynced", namespaces)
                .withData("policyConfigMapSynced", policy)
                .withData("nodeMountPathRecordSynced", record);
    }

    @Override
    public Optional<KubernetesClient> apiServer() {
        return Optional.of(client);
    }
}
