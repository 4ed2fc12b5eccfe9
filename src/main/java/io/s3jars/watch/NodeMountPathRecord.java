package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.s3jars.policy.PolicyStore;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The cluster's durable record of every node mount path any policy has declared, in a ConfigMap
 * of the webhook's namespace, so a path whose bucket left the policy stays protected after a
 * restart and on every replica alike. Replicas only ever add to it (a union: concurrent writers
 * converge by retrying on conflict), and read it back through an informer into the
 * {@link PolicyStore}. Removing a path is a platform team's decision, made by editing the
 * ConfigMap once the nodes no longer mount it.
 */
public final class NodeMountPathRecord implements AutoCloseable {

    public static final String KEY = "paths";
    private static final Logger LOG = Logger.getLogger(NodeMountPathRecord.class);
    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final SharedIndexInformer<ConfigMap> informer;
    private volatile String lastProblem;

    public NodeMountPathRecord(KubernetesClient client, String namespace, String name, PolicyStore store) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
        informer.addEventHandler(InformerClusterView.handler(c -> store.remember(paths(c)), c -> { }));
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

    /** Why the record could not be written last time, if it could not. */
    public String lastProblem() {
        return lastProblem;
    }

    /**
     * Adds {@code paths} to the record. Never throws: the replica's own memory keeps protecting
     * them meanwhile, and the next policy load tries again.
     */
    public void add(Collection<String> paths) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                ConfigMap current = client.configMaps().inNamespace(namespace).withName(name).get();
                if (current == null) {
                    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                            .withName(name).withNamespace(namespace).endMetadata()
                            .withData(Map.of(KEY, text(new TreeSet<>(paths)))).build()).create();
                } else {
                    SortedSet<String> recorded = paths(current);
                    if (recorded.containsAll(paths)) {
                        lastProblem = null;
                        return;
                    }
                    recorded.addAll(paths);
                    current.setData(new HashMap<>(current.getData() == null ? Map.of()
                            : current.getData()));
                    current.getData().put(KEY, text(recorded));
                    client.configMaps().inNamespace(namespace).resource(current).update();
                }
                lastProblem = null;
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    lastProblem = "cannot record node mount paths in ConfigMap " + namespace + "/" + name + ": "
                            + e.getMessage();
                    LOG.errorf("%s; this replica keeps protecting them from memory until it restarts", lastProblem);
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        informer.close();
    }

    /** One absolute path per line; blank lines and lines starting with '#' are ignored. */
    static SortedSet<String> paths(ConfigMap configMap) {
        String text = configMap.getData() == null ? null : configMap.getData().get(KEY);
        SortedSet<String> paths = new TreeSet<>();
        if (text != null) {
            Arrays.stream(text.split("\n")).map(String::strip).filter(l -> l.startsWith("/")).forEach(paths::add);
        }
        return paths;
    }

    private static String text(Set<String> paths) {
        return String.join("\n", paths) + "\n";
    }
}
