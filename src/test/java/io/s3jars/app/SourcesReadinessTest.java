package io.s3jars.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.s3jars.config.S3JarsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Each source reports its own readiness, so cluster mode is never reported as local. */
class SourcesReadinessTest {

    @Test
    void clusterModeBeforeTheInformersStartIsDownNotLocal() {
        // Nothing listens there: informers that are never started never connect.
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build()) {
            HealthCheckResponse response = new SourcesReadiness(
                    new ClusterSources(client, config(Map.of()), Clock.systemUTC())).call();
            assertThat(response.getName()).isEqualTo("s3jars-informers");
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow()).containsEntry("mode", "cluster")
                    .containsEntry("problem", "informers not started yet");
        }
    }

    @Test
    void localModeHasNoInformersToWaitFor() {
        HealthCheckResponse response = new SourcesReadiness(
                new LocalSources(Path.of("examples/policy.yaml"), Optional.empty())).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("mode", "local");
    }

    private static S3JarsConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
                .withMapping(S3JarsConfig.class).withSources(new PropertiesConfigSource(values, "test", 100)).build()
                .getConfigMapping(S3JarsConfig.class);
    }
}
