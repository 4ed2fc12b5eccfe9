package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicyStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Watches the one policy ConfigMap. A valid edit is swapped in at once; an invalid edit, a
 * missing key or a deletion keeps the last good policy and is reported loudly: an error log
 * naming the fields, a Warning Event on the ConfigMap, the rejection counter and readiness data.
 *
 * <p>Each document is handled once. An informer may hand over the same ConfigMap again (a resync,
 * a re-list after a reconnect) and an edit may touch only labels or annotations: the document
 * text is then the one already handled, and it is skipped, so the generation, the Events and the
 * failure count only move when the document changes. Deletion forgets it: the same document
 * created again is loaded again.
 */
public final class PolicyConfigMapWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PolicyConfigMapWatcher.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String key;
    private final PolicyStore store;
    private final SharedIndexInformer<ConfigMap> informer;
    /** The document (value of the key; null when the key is missing) last handled; null before the first or after deletion. */
    private volatile Handled handled;

    private record Handled(String document) {
    }

    public PolicyConfigMapWatcher(KubernetesClient client, String namespace, String name, String key, PolicyStore store) {
        this(client, namespace, name, key, store, 0);
    }

    /** @param resyncMillis how often the informer hands over its cached ConfigMap again; 0 never */
    PolicyConfigMapWatcher(KubernetesClient client, String namespace, String name, String key, PolicyStore store,
            long resyncMillis) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.key = key;
        this.store = store;
        this.informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(resyncMillis);
        informer.addEventHandler(InformerClusterView.handler(this::load, this::deleted));
        informer.exceptionHandler(InformerClusterView::retry);
    }

    public void start() {
        informer.start();
    }

    public boolean hasSynced() {
        return informer.hasSynced();
    }

    public boolean watching() {
        return informer.isWatching();
    }

    @Override
    public void close() {
        informer.close();
    }

    void load(ConfigMap configMap) {
        String origin = "ConfigMap " + namespace + "/" + name + " resourceVersion "
                + configMap.getMetadata().getResourceVersion();
        String yaml = configMap.getData() == null ? null : configMap.getData().get(key);
        Handled previous = handled;
        if (previous != null && Objects.equals(previous.document(), yaml)) {
            LOG.debugf("%s: document unchanged, already handled", origin);
            return;
        }
        handled = new Handled(yaml);
        if (yaml == null) {
            refuse(configMap, List.of("the ConfigMap has no key data." + key), origin);
            return;
        }
        PolicyResult result = store.offer(yaml, origin);
        if (result instanceof PolicyResult.Invalid invalid) {
            LOG.errorf("invalid policy in %s, keeping the last good policy: %s", origin, invalid.summary());
            event(configMap, "Warning", "InvalidPolicy", "policy rejected, the last good policy stays in force: "
                    + invalid.summary());
        } else {
            LOG.infof("policy loaded from %s (generation %d)", origin, store.loaded().orElseThrow().generation());
            event(configMap, "Normal", "PolicyLoaded", "policy loaded (generation "
                    + store.loaded().orElseThrow().generation() + ")");
        }
    }

    private void deleted(ConfigMap configMap) {
        handled = null;
        refuse(configMap, List.of("the ConfigMap was deleted"), "ConfigMap " + namespace + "/" + name + " (deleted)");
    }

    private void refuse(ConfigMap configMap, List<String> errors, String origin) {
        store.reject(errors, origin);
        String kept = store.loaded().map(l -> "the last good policy (generation " + l.generation() + ") stays in force")
                .orElse("no policy was ever loaded: opted-in pods are denied");
        LOG.errorf("%s: %s; %s", origin, String.join("; ", errors), kept);
        event(configMap, "Warning", "InvalidPolicy", String.join("; ", errors) + "; " + kept);
    }

    /** Best effort, off the informer thread: a failed Event must not stop policy handling. */
    private void event(ConfigMap configMap, String type, String reason, String message) {
        var event = ObjectEvents.of(configMap, type, reason, message);
        CompletableFuture.runAsync(() -> client.v1().events().inNamespace(namespace).resource(event).create())
                .exceptionally(e -> {
                    LOG.warnf("could not record Event %s on ConfigMap %s/%s: %s", reason, namespace, name, e.getMessage());
                    return null;
                });
    }
}
