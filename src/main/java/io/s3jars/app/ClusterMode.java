package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.InformerClusterView;
import io.s3jars.cluster.PolicyConfigMapWatcher;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Cluster mode (no policy file): starts the informers for nodes, namespaces and the policy
 * ConfigMap at start-up and stops them at shutdown. Starting does not wait for the first list;
 * readiness does.
 */
@ApplicationScoped
public class ClusterMode {

    private static final Logger LOG = Logger.getLogger(ClusterMode.class);

    private volatile InformerClusterView cluster;
    private volatile PolicyConfigMapWatcher policyWatcher;

    void onStart(@Observes StartupEvent event, S3JarsConfig config, ClusterView view, PolicyStore store,
            Instance<KubernetesClient> client) {
        if (config.policyFile().isPresent()) {
            return;
        }
        cluster = (InformerClusterView) view;
        cluster.start();
        policyWatcher = new PolicyConfigMapWatcher(client.get(), config.namespace(), config.policyConfigMap().name(),
                config.policyConfigMap().key(), store);
        policyWatcher.start();
        LOG.infof("cluster mode: watching ConfigMap %s/%s (key %s), nodes and namespaces", config.namespace(),
                config.policyConfigMap().name(), config.policyConfigMap().key());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (policyWatcher != null) {
            policyWatcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Empty in local mode. */
    public Optional<InformerClusterView> cluster() {
        return Optional.ofNullable(cluster);
    }

    public Optional<PolicyConfigMapWatcher> policyWatcher() {
        return Optional.ofNullable(policyWatcher);
    }
}
