package io.s3jars.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.selfmanaged.SelfManagedCertificates;
import io.s3jars.selfmanaged.SelfManagedCertificates.Settlement;
import io.s3jars.selfmanaged.SelfManagedCertificates.WebhookConfiguration;
import io.s3jars.tls.Pem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Self-managed certificates in cluster mode. At start the shared Secret is settled, retried with
 * backoff until it first succeeds; then the full check runs every check interval and the caBundle
 * check every caBundle interval. Whatever certificate the Secret holds is written to the serving
 * files and the TLS configuration reloaded, so new connections get it while open ones finish on
 * the old. Also exports the serving certificate's expiry, whatever the mode.
 */
@ApplicationScoped
public class CertificateManager {

    static final String TLS_CONFIGURATION = "webhook";
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(CertificateManager.class);

    private final S3JarsConfig config;
    private final Sources sources;
    private final TlsConfigurationRegistry registry;
    private final Event<CertificateUpdatedEvent> updates;
    private volatile String servedPem;
    private volatile Settlement last;
    private volatile String lastFailure;
    private String loggedSerial;
    private ScheduledExecutorService renewer;

    public CertificateManager(S3JarsConfig config, Sources sources, TlsConfigurationRegistry registry,
            Event<CertificateUpdatedEvent> updates) {
        this.config = config;
        this.sources = sources;
        this.registry = registry;
        this.updates = updates;
    }

    void onStart(@Observes StartupEvent event, MeterRegistry meters) {
        Gauge.builder("s3jars.tls.certificate.expiry.timestamp.seconds", this, CertificateManager::expirySeconds)
                .description("notAfter of the serving certificate").register(meters);
        servedCertificate().ifPresent(this::logIfNew);
        if (!selfManaged()) {
            return;
        }
        SelfManagedCertificates certificates = new SelfManagedCertificates(sources.apiServer().orElseThrow(), settings(config), Clock.systemUTC());
        renewer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "s3jars-certificates"));
        new RetryUntilFirstSuccess(renewer, FIRST_RETRY, MAX_RETRY).start(() -> settle(certificates), () -> {
            every(config.certs().checkInterval(), () -> settle(certificates));
            every(config.certs().caBundleCheckInterval(), () -> recheck(certificates));
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }

    /**
     * The self-managed settings, checked so that a value that cannot work stops the start with
     * its name rather than misbehaving later.
     */
    static SelfManagedCertificates.Settings settings(S3JarsConfig config) {
        S3JarsConfig.Certs certs = config.certs();
        positive("S3JARS_CERTS_CHECK_INTERVAL", certs.checkInterval());
        positive("S3JARS_CERTS_CA_BUNDLE_CHECK_INTERVAL", certs.caBundleCheckInterval());
        return new SelfManagedCertificates.Settings(config.namespace(), certs.secret(), certs.service(),
                SelfManagedCertificates.Settings.configurations(certs.webhookConfigurations()), certs.renewBefore(),
                certs.serverLifetime(), certs.caLifetime());
    }

    private static void positive(String name, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration such as PT1H, not " + interval);
        }
    }

    /**
     * True once the served certificate is the one in the Secret and every webhook configuration
     * exists and trusts it (always in files mode).
     */
    public boolean settled() {
        Settlement settlement = last;
        return !selfManaged() || (settlement != null && settlement.complete());
    }

    /** Configurations that the last check did not find; they cannot carry the caBundle. */
    public List<String> missingConfigurations() {
        Settlement settlement = last;
        return settlement == null ? List.of()
                : settlement.missingConfigurations().stream().map(WebhookConfiguration::toString).toList();
    }

    /** Why the last check failed, if it did. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Self-managed certificates live in a Secret, so they need a source with an API server; local runs serve files. */
    public boolean selfManaged() {
        return config.certs().mode() == S3JarsConfig.CertsMode.SELF_MANAGED && sources.apiServer().isPresent();
    }

    /** The full check, which may issue. Never throws: the current certificate keeps serving meanwhile. */
    boolean settle(SelfManagedCertificates certificates) {
        return check("settle", () -> Optional.of(certificates.settle()));
    }

    /** The frequent check, which never issues. */
    void recheck(SelfManagedCertificates certificates) {
        check("check the caBundle of", certificates::recheck);
    }

    private boolean check(String what, Supplier<Optional<Settlement>> check) {
        try {
            check.get().ifPresent(this::apply);
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.errorf(e, "could not %s self-managed certificates (Secret %s/%s); the current certificate keeps serving",
                    what, config.namespace(), config.certs().secret());
        }
        return settled();
    }

    /**
     * Quarkus re-reads the serving files every reload period and fires this whether or not they
     * changed; the line is logged only for a certificate not logged before, whoever renewed it
     * (self-managed mode, cert-manager, or the owner of the Secret).
     */
    void onCertificateUpdated(@Observes CertificateUpdatedEvent event) {
        if (TLS_CONFIGURATION.equals(event.name())) {
            servedCertificate().ifPresent(this::logIfNew);
        }
    }

    private synchronized void logIfNew(X509Certificate certificate) {
        String serial = certificate.getSerialNumber().toString(16);
        if (!serial.equals(loggedSerial)) {
            loggedSerial = serial;
            LOG.infof("serving certificate %s, valid until %s", serial, certificate.getNotAfter());
        }
    }

    private Optional<X509Certificate> servedCertificate() {
        Optional<Path> file = config.tls().cert();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pem.certificates(Files.readString(file.get())).get(0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // half-written during a swap; the next reload reads it whole
        }
    }

    private void apply(Settlement settlement) {
        SelfManagedCertificates.Material material = settlement.material();
        if (!material.certificatePem().equals(servedPem)) {
            serve(material);
            servedPem = material.certificatePem();
            logIfNew(material.certificate());
        }
        Settlement previous = last;
        if (!settlement.complete() && (previous == null
                || !previous.missingConfigurations().equals(settlement.missingConfigurations()))) {
            LOG.errorf("webhook configuration(s) %s not found: they cannot carry the caBundle; not ready until they exist",
                    settlement.missingConfigurations());
        }
        last = settlement;
    }

    private void every(Duration interval, Runnable task) {
        long millis = interval.toMillis();
        renewer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
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
        return servedCertificate().map(c -> c.getNotAfter().getTime() / 1000.0).orElse(0.0);
    }
}
