package io.s3jars.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** With self-managed certificates, not ready until the served certificate is the one in the shared Secret. */
@Readiness
@ApplicationScoped
public class CertificateReadiness implements HealthCheck {

    private final CertificateManager certificates;

    public CertificateReadiness(CertificateManager certificates) {
        this.certificates = certificates;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("s3jars-certificates").status(certificates.settled())
                .withData("mode", certificates.selfManaged() ? "self-managed" : "files").build();
    }
}
