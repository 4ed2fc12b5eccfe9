package io.s3jars.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The webhook's own certificates, kept in a Secret that every replica shares (as Kyverno and
 * the Spark operator do). A replica that finds the Secret missing, or its serving certificate
 * inside the renewal window, issues new ones; writes use the Secret's resourceVersion, so when
 * several replicas race exactly one write wins and the others adopt it. The CA bundle in the
 * webhook configurations keeps every CA that is still valid, so a CA rotation never leaves a
 * replica serving a certificate the API server does not trust.
 */
public final class SelfManagedCertificates {

    public static final String CA_KEY = "ca.key";
    public static final String CA_BUNDLE = "ca-bundle.crt";
    private static final Logger LOG = Logger.getLogger(SelfManagedCertificates.class);
    private static final int ATTEMPTS = 5;

    /** What this replica serves and what the API server must trust. */
    public record Material(String certificatePem, String keyPem, String caBundlePem, X509Certificate certificate) {

        /** Writes certificate and key into {@code dir} as one atomic change. */
        public void writeTo(java.nio.file.Path dir, String certificateFile, String keyFile) {
            try {
                AtomicFiles.write(dir, Map.of(certificateFile, certificatePem, keyFile, keyPem));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the serving certificate to " + dir, e);
            }
        }
    }

    public record Settings(String namespace, String secret, String service, List<String> webhookConfigurations,
            Duration renewBefore, Duration serverLifetime, Duration caLifetime) {
        public Settings {
            if (serverLifetime.compareTo(renewBefore) <= 0) {
                throw new IllegalArgumentException("the serving certificate lifetime (" + serverLifetime
                        + ") must be longer than the renewal window (" + renewBefore + "), or it is renewed forever");
            }
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Clock clock;

    public SelfManagedCertificates(KubernetesClient client, Settings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** Makes the Secret hold certificates valid beyond the renewal window, and the webhook configurations trust them. */
    public Material ensure() {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Secret secret = client.secrets().inNamespace(settings.namespace()).withName(settings.secret()).get();
            Optional<Material> current = usable(secret);
            if (current.isPresent()) {
                patchCaBundles(current.get().caBundlePem());
                return current.get();
            }
            Map<String, String> data = issue(secret);
            try {
                write(secret, data);
                LOG.infof("issued a serving certificate for %s.%s.svc into Secret %s/%s", settings.service(),
                        settings.namespace(), settings.namespace(), settings.secret());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                LOG.debugf("another replica wrote Secret %s first (attempt %d); adopting it", settings.secret(), attempt);
            }
        }
        throw new IllegalStateException("Secret " + settings.namespace() + "/" + settings.secret()
                + " kept changing under " + ATTEMPTS + " attempts to settle it");
    }

    /** The material in {@code secret}, if complete, chained to its CA and valid beyond the renewal window. */
    Optional<Material> usable(Secret secret) {
        if (secret == null || secret.getData() == null) {
            return Optional.empty();
        }
        try {
            String cert = decode(secret, "tls.crt");
            String key = decode(secret, "tls.key");
            String bundle = decode(secret, CA_BUNDLE);
            X509Certificate leaf = Pem.certificates(cert).get(0);
            X509Certificate ca = Pem.certificates(decode(secret, "ca.crt")).get(0);
            leaf.verify(ca.getPublicKey());
            boolean fresh = leaf.getNotAfter().toInstant().isAfter(now().plus(settings.renewBefore()));
            boolean namesService = leaf.getSubjectAlternativeNames() != null && leaf.getSubjectAlternativeNames().stream()
                    .anyMatch(n -> n.get(1).equals(settings.service() + "." + settings.namespace() + ".svc"));
            if (fresh && namesService && Pem.matches(Pem.privateKey(key), leaf) && bundle.contains(Pem.encode(ca).trim())) {
                return Optional.of(new Material(cert, key, bundle, leaf));
            }
        } catch (Exception unusable) {
            LOG.infof("Secret %s/%s is not usable as is (%s); issuing new certificates", settings.namespace(),
                    settings.secret(), unusable.getMessage());
        }
        return Optional.empty();
    }

    /** Keeps the CA while it outlives the next serving certificate; otherwise starts a new one, trusting both. */
    private Map<String, String> issue(Secret existing) {
        Optional<CertificateAuthority> kept = existingCa(existing)
                .filter(ca -> ca.certificate().getNotAfter().toInstant()
                        .isAfter(now().plus(settings.serverLifetime()).plus(settings.renewBefore())));
        CertificateAuthority ca = kept.orElseGet(() -> CertificateAuthority.create("s3jars CA " + now().getEpochSecond(),
                settings.caLifetime(), KeyAlgorithm.ECDSA_P256));
        ServingCertificate serving = WebhookCertificates.issue(ca, settings.service(), settings.namespace(), List.of(),
                List.of(), settings.serverLifetime());
        List<X509Certificate> trusted = new ArrayList<>(List.of(ca.certificate()));
        previousBundle(existing).stream()
                .filter(c -> !c.equals(ca.certificate()) && c.getNotAfter().toInstant().isAfter(now()))
                .forEach(trusted::add);
        Map<String, String> data = new HashMap<>();
        data.put("tls.crt", serving.certificatePem());
        data.put("tls.key", serving.keyPem());
        data.put("ca.crt", serving.caPem());
        data.put(CA_KEY, new ServingCertificate(ca.certificate(), ca.keys(), ca.certificate()).keyPem());
        data.put(CA_BUNDLE, String.join("", trusted.stream().map(Pem::encode).toList()));
        return data;
    }

    private Optional<CertificateAuthority> existingCa(Secret secret) {
        try {
            X509Certificate ca = Pem.certificates(decode(secret, "ca.crt")).get(0);
            KeyPair keys = Pem.keyPair(decode(secret, CA_KEY), ca);
            KeyAlgorithm algorithm = ca.getPublicKey().getAlgorithm().equals("EC") ? KeyAlgorithm.ECDSA_P256
                    : KeyAlgorithm.RSA_2048;
            return Optional.of(new CertificateAuthority(ca, keys, algorithm));
        } catch (RuntimeException missingOrBroken) {
            return Optional.empty();
        }
    }

    private List<X509Certificate> previousBundle(Secret secret) {
        try {
            return Pem.certificates(decode(secret, CA_BUNDLE));
        } catch (RuntimeException missingOrBroken) {
            return List.of();
        }
    }

    /** Create, or replace at the resourceVersion read: a concurrent writer makes this fail with 409. */
    private void write(Secret existing, Map<String, String> data) {
        Map<String, String> encoded = new HashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
        if (existing == null) {
            client.secrets().inNamespace(settings.namespace()).resource(new SecretBuilder().withNewMetadata()
                    .withName(settings.secret()).withNamespace(settings.namespace())
                    .addToLabels("app.kubernetes.io/managed-by", "s3jars").endMetadata()
                    .withType("kubernetes.io/tls").withData(encoded).build()).create();
        } else {
            Secret updated = new SecretBuilder(existing).withData(encoded).build();
            client.secrets().inNamespace(settings.namespace()).resource(updated).lockResourceVersion(
                    existing.getMetadata().getResourceVersion()).replace();
        }
    }

    /**
     * Sets caBundle on every webhook of the s3jars webhook configurations; absent configurations
     * are skipped. Replicas may patch at the same moment: a conflict is retried on a fresh read.
     */
    public void patchCaBundles(String bundlePem) {
        for (int attempt = 1; ; attempt++) {
            try {
                patchCaBundlesOnce(bundlePem);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void patchCaBundlesOnce(String bundlePem) {
        String caBundle = Base64.getEncoder().encodeToString(bundlePem.getBytes(StandardCharsets.US_ASCII));
        var admission = client.admissionRegistration().v1();
        for (String name : settings.webhookConfigurations()) {
            var mutating = admission.mutatingWebhookConfigurations().withName(name);
            var current = mutating.get();
            if (current != null && current.getWebhooks().stream().map(MutatingWebhook::getClientConfig)
                    .anyMatch(c -> !Objects.equals(c.getCaBundle(), caBundle))) {
                mutating.edit(c -> {
                    c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
                    return c;
                });
                LOG.infof("patched caBundle of MutatingWebhookConfiguration %s", name);
            }
            var validating = admission.validatingWebhookConfigurations().withName(name);
            var currentValidating = validating.get();
            if (currentValidating != null && currentValidating.getWebhooks().stream()
                    .map(ValidatingWebhook::getClientConfig).anyMatch(c -> !Objects.equals(c.getCaBundle(), caBundle))) {
                validating.edit(c -> {
                    c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
                    return c;
                });
                LOG.infof("patched caBundle of ValidatingWebhookConfiguration %s", name);
            }
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private static String decode(Secret secret, String key) {
        String value = secret.getData().get(key);
        if (value == null) {
            throw new IllegalArgumentException("no key " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
    }
}
