package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.InformerClusterView;
import io.s3jars.cluster.NodeFiles;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.cluster.SwappableClusterView;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Turns the pure classes into beans. */
public class Wiring {

    @Produces
    @Singleton
    MutationEngine engine() {
        return new MutationEngine();
    }

    @Produces
    @Singleton
    PolicyStore policyStore() {
        return new PolicyStore();
    }

    /** Local mode: the nodes file, if any, re-read by {@link LocalFiles}. Cluster mode: informers, started by {@link ClusterMode}. */
    @Produces
    @Singleton
    ClusterView clusterView(S3JarsConfig config, Instance<KubernetesClient> client) {
        if (config.policyFile().isEmpty()) {
            return new InformerClusterView(client.get());
        }
        return new SwappableClusterView(config.nodesFile().<ClusterView>map(f -> StaticClusterView.ofNodes(
                NodeFiles.read(f))).orElse(ClusterView.EMPTY));
    }
}
