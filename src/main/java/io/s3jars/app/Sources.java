package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.s3jars.cluster.ClusterView;
import io.s3jars.policy.PolicyStore;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Where the policy and the view of the cluster come from: local files, or the API server. Chosen
 * once, by {@link Wiring}; each source owns its view, its start and stop, and its readiness, so
 * nothing else asks which one is running.
 */
sealed interface Sources permits LocalSources, ClusterSources {

    /** What requests read; the same object for the life of the process. */
    ClusterView view();

    /** Loads or starts watching the policy into {@code store}; throws when the start cannot go on. */
    void start(PolicyStore store);

    void stop();

    /** Up once the policy source and the view are synced, with data per part. */
    HealthCheckResponseBuilder readiness(HealthCheckResponseBuilder check);

    /** The API server, when this source has one: self-managed certificates need it. */
    Optional<KubernetesClient> apiServer();
}
