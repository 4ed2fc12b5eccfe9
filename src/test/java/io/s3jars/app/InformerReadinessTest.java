package io.s3jars.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.config.S3JarsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The mode comes from the configuration, so cluster mode is never reported as local. */
class InformerReadinessTest {

    @Test
    void clusterModeBeforeTheInformersStartIsDownNotLocal() {
        HealthCheckResponse response = new InformerReadiness(new ClusterMode(), config(Map.of())).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("mode", "cluster")
                .containsEntry("problem", "informers not started yet");
    }

    @Test
    void localModeHasNoInformersToWaitFor() {
        HealthCheckResponse response = new InformerReadiness(new ClusterMode(),
                config(Map.of("s3jars.policy-file", "examples/policy.yaml"))).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("mode", "local");
    }

    private static S3JarsConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
                .withMapping(S3JarsConfig.class).withSources(new PropertiesConfigSource(values, "test", 100)).build()
                .getConfigMapping(S3JarsConfig.class);
    }
}
