package io.s3jars.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.Toleration;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.PolicyStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code s3jars_mount_ready_nodes{bucket}}: per bucket of the policy in force, the nodes that are
 * Ready, schedulable and carry its mount-ready labels, whatever their taints. Counted from the
 * index at scrape time; the set of buckets follows policy reloads within a second.
 */
@ApplicationScoped
public class MountReadyMetrics {

    /** Tolerates every taint: the gauge counts nodes with a live mount, not where a given pod fits. */
    private static final List<Toleration> ANY_TAINT = List.of(new Toleration(null, "Exists", null, null));

    private ScheduledExecutorService refresher;
    private long registeredGeneration = -1;

    /** After the default-priority observers, so that a local policy file is already loaded. */
    void register(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) StartupEvent event, MeterRegistry registry,
            PolicyStore store, ClusterView cluster) {
        MultiGauge gauge = MultiGauge.builder("s3jars.mount.ready.nodes")
                .description("Ready, schedulable nodes carrying the bucket's mount-ready labels (taints not considered)")
                .register(registry);
        refresh(gauge, store, cluster);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "s3jars-mount-ready-metrics"));
        refresher.scheduleWithFixedDelay(() -> refresh(gauge, store, cluster), 1, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    private void refresh(MultiGauge gauge, PolicyStore store, ClusterView cluster) {
        store.loaded().filter(loaded -> loaded.generation() != registeredGeneration).ifPresent(loaded -> {
            Collection<Bucket> buckets = loaded.policy().buckets().values();
            gauge.register(buckets.stream().map(bucket -> MultiGauge.Row.of(Tags.of("bucket", bucket.name()), cluster,
                    view -> view.mountReadyNodes(bucket.mountReadyLabels(), ANY_TAINT))).toList(), true);
            registeredGeneration = loaded.generation();
        });
    }
}
