package io.s3jars.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * With self-managed certificates, not ready until the served certificate is the one in the shared
 * Secret and every webhook configuration exists and trusts it.
 */
@Readiness
@ApplicationScoped
public class CertificateReadiness implements HealthCheck {

    private final CertificateManager certificates;

    public CertificateReadiness(CertificateManager certificates) {
        this.certificates = certificates;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("s3jars-certificates")
                .status(certificates.settled())
                .withData("mode", certificates.selfManaged() ? "self-managed" : "files");
        if (!certificates.missingConfigurations().isEmpty()) {
            response.withData("missingWebhookConfigurations", String.join(", ", certificates.missingConfigurations()));
        }
        certificates.lastFailure().ifPresent(f -> response.withData("lastFailure", f));
        return response.build();
    }
}
