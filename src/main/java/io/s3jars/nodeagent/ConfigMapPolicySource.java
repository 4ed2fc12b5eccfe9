package io.s3jars.nodeagent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.watch.PolicyConfigMapWatcher;
import java.util.Optional;

/**
 * The policy from the webhook's ConfigMap, watched as the webhook watches it. The agent records no
 * Events for an invalid edit: the webhook's validating endpoint refuses it and its watcher reports
 * it, and a DaemonSet would repeat each report once per node.
 */
final class ConfigMapPolicySource implements PolicySource {

    private final PolicyStore store = new PolicyStore();
    private final PolicyConfigMapWatcher watcher;

    ConfigMapPolicySource(KubernetesClient client, String namespace, String name, String key) {
        this.watcher = PolicyConfigMapWatcher.withoutEvents(client, namespace, name, key, store);
    }

    void start() {
        watcher.start();
    }

    @Override
    public Optional<PolicySnapshot> current() {
        return store.snapshot();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
