package io.s3jars.app;

import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.NodeFiles;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Turns the pure classes into beans. Local mode (a policy file) uses a static cluster view. */
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

    @Produces
    @Singleton
    ClusterView clusterView(S3JarsConfig config) {
        return config.nodesFile().<ClusterView>map(f -> StaticClusterView.ofNodes(NodeFiles.read(f)))
                .orElse(ClusterView.EMPTY);
    }
}
