package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.NodeFiles;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.cluster.SwappableClusterView;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

/**
 * The policy file (and the nodes file, if given) are loaded at start, where an invalid policy
 * stops the start with every error listed, and re-read every two seconds when they change, where
 * an invalid edit keeps the last good policy and is logged, as a ConfigMap edit would be.
 */
final class LocalSources implements Sources {

    private static final Logger LOG = Logger.getLogger(LocalSources.class);
    private static final long POLL_SECONDS = 2;

    private final Path policyFile;
    private final Optional<Path> nodesFile;
    private final SwappableClusterView view;
    private ScheduledExecutorService poller;
    private FileTime policyVersion;
    private FileTime nodesVersion;

    LocalSources(Path policyFile, Optional<Path> nodesFile) {
        this.policyFile = policyFile;
        this.nodesFile = nodesFile;
        this.view = new SwappableClusterView(nodesFile.<ClusterView>map(f -> StaticClusterView.of(NodeFiles.readState(f)))
                .orElse(ClusterView.EMPTY));
    }

    @Override
    public ClusterView view() {
        return view;
    }

    @Override
    public void start(PolicyStore store) {
        policyVersion = modified(policyFile);
        PolicyResult result = store.offer(read(policyFile), "file " + policyFile);
        if (result instanceof PolicyResult.Invalid invalid) {
            throw new IllegalStateException("the policy file " + policyFile + " is invalid: " + invalid.summary());
        }
        LOG.infof("policy loaded from %s: %d bucket(s), %d binding(s)", policyFile,
                store.snapshot().orElseThrow().buckets().size(), store.snapshot().orElseThrow().bindings().size());
        nodesFile.ifPresent(nodes -> nodesVersion = modified(nodes));
        poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "s3jars-local-files"));
        poller.scheduleWithFixedDelay(() -> poll(store), POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** No informers to wait for: the policy's own readiness check covers the file. */
    @Override
    public HealthCheckResponseBuilder readiness(HealthCheckResponseBuilder check) {
        return check.up().withData("mode", "local");
    }

    @Override
    public Optional<KubernetesClient> apiServer() {
        return Optional.empty();
    }

    private void poll(PolicyStore store) {
        try {
            FileTime policyNow = modified(policyFile);
            if (!policyNow.equals(policyVersion)) {
                policyVersion = policyNow;
                PolicyResult result = store.offer(read(policyFile), "file " + policyFile + " modified " + policyNow);
                if (result instanceof PolicyResult.Invalid invalid) {
                    LOG.errorf("invalid policy in %s, keeping the last good policy: %s", policyFile, invalid.summary());
                } else {
                    LOG.infof("policy reloaded from %s (generation %d)", policyFile,
                            store.loaded().orElseThrow().generation());
                }
            }
            if (nodesFile.isPresent()) {
                Path nodes = nodesFile.get();
                FileTime nodesNow = modified(nodes);
                if (!nodesNow.equals(nodesVersion)) {
                    nodesVersion = nodesNow;
                    view.replace(StaticClusterView.of(NodeFiles.readState(nodes)));
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
