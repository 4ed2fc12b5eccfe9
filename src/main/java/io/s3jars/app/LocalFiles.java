package io.s3jars.app;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.NodeFiles;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.cluster.SwappableClusterView;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Local mode: the policy file (and the nodes file, if given) are loaded at start, where an invalid
 * policy stops the start with every error listed, and re-read every two seconds when they change,
 * where an invalid edit keeps the last good policy and is logged, as a ConfigMap edit would be.
 */
@ApplicationScoped
public class LocalFiles {

    private static final Logger LOG = Logger.getLogger(LocalFiles.class);
    private static final long POLL_SECONDS = 2;

    private ScheduledExecutorService poller;
    private FileTime policyVersion;
    private FileTime nodesVersion;

    void onStart(@Observes StartupEvent event, S3JarsConfig config, PolicyStore store, ClusterView cluster) {
        if (config.policyFile().isEmpty()) {
            return;
        }
        Path policy = config.policyFile().get();
        policyVersion = modified(policy);
        PolicyResult result = store.offer(read(policy), "file " + policy);
        if (result instanceof PolicyResult.Invalid invalid) {
            throw new IllegalStateException("the policy file " + policy + " is invalid: " + invalid.summary());
        }
        LOG.infof("policy loaded from %s: %d bucket(s), %d binding(s)", policy,
                store.snapshot().orElseThrow().buckets().size(), store.snapshot().orElseThrow().bindings().size());
        config.nodesFile().ifPresent(nodes -> nodesVersion = modified(nodes));
        poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "s3jars-local-files"));
        poller.scheduleWithFixedDelay(() -> poll(config, store, cluster), POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private void poll(S3JarsConfig config, PolicyStore store, ClusterView cluster) {
        try {
            Path policy = config.policyFile().get();
            FileTime policyNow = modified(policy);
            if (!policyNow.equals(policyVersion)) {
                policyVersion = policyNow;
                PolicyResult result = store.offer(read(policy), "file " + policy + " modified " + policyNow);
                if (result instanceof PolicyResult.Invalid invalid) {
                    LOG.errorf("invalid policy in %s, keeping the last good policy: %s", policy, invalid.summary());
                } else {
                    LOG.infof("policy reloaded from %s (generation %d)", policy, store.loaded().orElseThrow().generation());
                }
            }
            if (config.nodesFile().isPresent() && cluster instanceof SwappableClusterView swappable) {
                Path nodes = config.nodesFile().get();
                FileTime nodesNow = modified(nodes);
                if (!nodesNow.equals(nodesVersion)) {
                    nodesVersion = nodesNow;
                    swappable.replace(StaticClusterView.ofNodes(NodeFiles.read(nodes)));
                    LOG.infof("nodes reloaded from %s", nodes);
                }
            }
        } catch (RuntimeException e) {
            store.reject(List.of(e.getMessage()), "local files");
            LOG.errorf("cannot reload local files, keeping what is loaded: %s", e.getMessage());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }
}
