package io.s3jars.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.tls.Pem;
import io.s3jars.tls.SelfManagedCertificates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Self-managed certificates in cluster mode: at start, and then every check interval, settle the
 * shared Secret, write its certificate to the serving files and reload the TLS configuration, so
 * new connections get the new certificate while open ones finish on the old. Also exports the
 * serving certificate's expiry, whatever the mode.
 */
@ApplicationScoped
public class CertificateManager {

    static final String TLS_CONFIGURATION = "webhook";
    private static final Logger LOG = Logger.getLogger(CertificateManager.class);

    private final S3JarsConfig config;
    private final TlsConfigurationRegistry registry;
    private final Event<CertificateUpdatedEvent> updates;
    private volatile boolean settled;
    private volatile String servedPem;
    private ScheduledExecutorService renewer;

    public CertificateManager(S3JarsConfig config, TlsConfigurationRegistry registry, Event<CertificateUpdatedEvent> updates) {
        this.config = config;
        this.registry = registry;
        this.updates = updates;
    }

    void onStart(@Observes StartupEvent event, Instance<KubernetesClient> client, MeterRegistry meters) {
        Gauge.builder("s3jars.tls.certificate.expiry.timestamp.seconds", this, CertificateManager::expirySeconds)
                .description("notAfter of the serving certificate").register(meters);
        if (!selfManaged()) {
            settled = true;
            return;
        }
        SelfManagedCertificates certificates = new SelfManagedCertificates(client.get(), new SelfManagedCertificates.Settings(
                config.namespace(), config.certs().secret(), config.certs().service(),
                config.certs().webhookConfigurations(), config.certs().renewBefore(), config.certs().serverLifetime(),
                config.certs().caLifetime()), Clock.systemUTC());
        renewer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "s3jars-certificates"));
        renewer.execute(() -> settle(certificates));
        long every = config.certs().checkInterval().toSeconds();
        renewer.scheduleWithFixedDelay(() -> settle(certificates), every, every, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }

    /** True once the served certificate is the one the API server trusts (always in files mode). */
    public boolean settled() {
        return settled;
    }

    public boolean selfManaged() {
        return "self-managed".equals(config.certs().mode()) && config.policyFile().isEmpty();
    }

    /** Never throws: a failed attempt is retried at the next interval while the current certificate keeps serving. */
    void settle(SelfManagedCertificates certificates) {
        try {
            SelfManagedCertificates.Material material = certificates.ensure();
            if (!material.certificatePem().equals(servedPem)) {
                serve(material);
                servedPem = material.certificatePem();
                LOG.infof("serving certificate %s, valid until %s", material.certificate().getSerialNumber().toString(16),
                        material.certificate().getNotAfter());
            }
            settled = true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not settle self-managed certificates in Secret %s/%s; retrying in %s", config.namespace(),
                    config.certs().secret(), config.certs().checkInterval());
        }
    }

    /** Replaces the serving files, certificate and key together, and reloads the TLS configuration. */
    void serve(SelfManagedCertificates.Material material) {
        Path cert = config.tls().cert().orElseThrow();
        Path key = config.tls().key().orElseThrow();
        if (!cert.toAbsolutePath().getParent().equals(key.toAbsolutePath().getParent())) {
            throw new IllegalStateException("self-managed certificates need S3JARS_TLS_CERT and S3JARS_TLS_KEY in one folder");
        }
        material.writeTo(cert.toAbsolutePath().getParent(), cert.getFileName().toString(), key.getFileName().toString());
        registry.get(TLS_CONFIGURATION).ifPresent(tls -> {
            if (tls.reload()) {
                updates.fire(new CertificateUpdatedEvent(TLS_CONFIGURATION, tls));
            }
        });
    }

    private double expirySeconds() {
        try {
            return Pem.certificates(Files.readString(config.tls().cert().orElseThrow())).get(0).getNotAfter().getTime()
                    / 1000.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
