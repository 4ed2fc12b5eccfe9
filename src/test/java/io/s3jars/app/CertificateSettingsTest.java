package io.s3jars.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3jars.config.S3JarsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Self-managed settings that cannot work stop the start with the setting's name. */
class CertificateSettingsTest {

    @Test
    void theDefaultsWork() {
        S3JarsConfig config = config(Map.of("s3jars.certs.mode", "self-managed"));
        assertThat(config.certs().mode()).isEqualTo(S3JarsConfig.CertsMode.SELF_MANAGED);
        assertThat(CertificateManager.settings(config).webhookConfigurations()).extracting(Object::toString)
                .containsExactly("mutatingwebhookconfiguration/s3jars", "validatingwebhookconfiguration/s3jars");
        assertThat(config(Map.of()).certs().mode()).isEqualTo(S3JarsConfig.CertsMode.FILES);
    }

    @Test
    void aMistypedModeFailsAtStart() {
        assertThatThrownBy(() -> config(Map.of("s3jars.certs.mode", "self-manged")))
                .hasMessageContaining("s3jars.certs.mode").hasMessageContaining("self-manged");
    }

    @Test
    void zeroOrNegativeCheckIntervalsAreRefused() {
        assertThatThrownBy(() -> CertificateManager.settings(config(Map.of("s3jars.certs.check-interval", "PT0S"))))
                .hasMessage("S3JARS_CERTS_CHECK_INTERVAL must be a positive duration such as PT1H, not PT0S");
        assertThatThrownBy(() -> CertificateManager.settings(config(Map.of("s3jars.certs.ca-bundle-check-interval",
                "-PT1M")))).hasMessageContaining("S3JARS_CERTS_CA_BUNDLE_CHECK_INTERVAL must be a positive duration");
    }

    @Test
    void aCaThatDoesNotOutliveTheNextCertificateIsRefused() {
        assertThatThrownBy(() -> CertificateManager.settings(config(Map.of("s3jars.certs.ca-lifetime", "P100D"))))
                .hasMessageContaining("the CA lifetime (PT2400H) must be longer than the serving certificate lifetime"
                        + " plus the renewal window (PT2520H)");
    }

    private static S3JarsConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
                .withMapping(S3JarsConfig.class).withSources(new PropertiesConfigSource(all, "test", 100)).build();
        return config.getConfigMapping(S3JarsConfig.class);
    }
}
