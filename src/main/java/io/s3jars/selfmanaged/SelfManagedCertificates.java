package io.s3jars.selfmanaged;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.s3jars.tls.AtomicFiles;
import io.s3jars.tls.CertificateAuthority;
import io.s3jars.tls.KeyAlgorithm;
import io.s3jars.tls.Pem;
import io.s3jars.tls.ServingCertificate;
import io.s3jars.tls.WebhookCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.function.Function;
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
        public void writeTo(Path dir, String certificateFile, String keyFile) {
            try {
                AtomicFiles.write(dir, Map.of(certificateFile, certificatePem, keyFile, keyPem));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the serving certificate to " + dir, e);
            }
        }
    }

    /**
     * What a check found: the material to serve, and the webhook configurations that do not exist.
     * A missing configuration cannot carry the caBundle, so the webhook is not settled until it is
     * back (re-created by a reinstall, say) and patched.
     */
    public record Settlement(Material material, List<WebhookConfiguration> missingConfigurations) {
        public Settlement {
            missingConfigurations = List.copyOf(missingConfigurations);
        }

        public boolean complete() {
            return missingConfigurations.isEmpty();
        }
    }

    /** A webhook configuration whose caBundle is kept, written {@code kind/name} as kubectl does. */
    public record WebhookConfiguration(String kind, String name) {
        public static final String MUTATING = "mutatingwebhookconfiguration";
        public static final String VALIDATING = "validatingwebhookconfiguration";

        /** {@code mutatingwebhookconfiguration/NAME}, {@code validatingwebhookconfiguration/NAME}, or a bare NAME for both. */
        public static List<WebhookConfiguration> parse(String entry) {
            int slash = entry.indexOf('/');
            if (slash < 0) {
                return List.of(new WebhookConfiguration(MUTATING, entry), new WebhookConfiguration(VALIDATING, entry));
            }
            String kind = entry.substring(0, slash);
            if (!kind.equals(MUTATING) && !kind.equals(VALIDATING)) {
                throw new IllegalArgumentException("webhook configuration '" + entry + "' must be NAME, " + MUTATING
                        + "/NAME or " + VALIDATING + "/NAME");
            }
            return List.of(new WebhookConfiguration(kind, entry.substring(slash + 1)));
        }

        @Override
        public String toString() {
            return kind + "/" + name;
        }
    }

    public record Settings(String namespace, String secret, String service, List<WebhookConfiguration> webhookConfigurations,
            Duration renewBefore, Duration serverLifetime, Duration caLifetime) {
        public Settings {
            if (serverLifetime.compareTo(renewBefore) <= 0) {
                throw new IllegalArgumentException("the serving certificate lifetime (" + serverLifetime
                        + ") must be longer than the renewal window (" + renewBefore + "), or it is renewed forever");
            }
            if (caLifetime.compareTo(serverLifetime.plus(renewBefore)) <= 0) {
                throw new IllegalArgumentException("the CA lifetime (" + caLifetime + ") must be longer than the serving"
                        + " certificate lifetime plus the renewal window (" + serverLifetime.plus(renewBefore)
                        + "), or every renewal makes a new CA and a certificate can outlive its CA");
            }
            if (webhookConfigurations.isEmpty()) {
                throw new IllegalArgumentException("no webhook configuration to keep the caBundle of");
            }
            webhookConfigurations = List.copyOf(webhookConfigurations);
        }

        /** The configurations named by {@code entries} (see {@link WebhookConfiguration#parse}). */
        public static List<WebhookConfiguration> configurations(List<String> entries) {
            return entries.stream().flatMap(e -> WebhookConfiguration.parse(e).stream()).distinct().toList();
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

    /**
     * The full check: makes the Secret hold certificates valid beyond the renewal window, issuing
     * them when due, and the webhook configurations trust them.
     */
    public Settlement settle() {
        Material material = ensure();
        return new Settlement(material, patchCaBundles(material.caBundlePem()));
    }

    /**
     * The frequent check, which never issues: the Secret's current material, whoever wrote it,
     * and its caBundle put back on configurations that lost it. Empty when the Secret is missing
     * or not usable; the next {@link #settle()} issues then.
     */
    public Optional<Settlement> recheck() {
        return usable(readSecret()).map(m -> new Settlement(m, patchCaBundles(m.caBundlePem())));
    }

    /** Makes the Secret hold certificates valid beyond the renewal window. */
    public Material ensure() {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Secret secret = readSecret();
            Optional<Material> current = usable(secret);
            if (current.isPresent()) {
                return current.get();
            }
            LOG.infof("issuing new certificates into Secret %s/%s", settings.namespace(), settings.secret());
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
            LOG.infof("Secret %s/%s is not usable as is (%s)", settings.namespace(), settings.secret(),
                    unusable.getMessage());
        }
        return Optional.empty();
    }

    private Secret readSecret() {
        return client.secrets().inNamespace(settings.namespace()).withName(settings.secret()).get();
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
     * Sets caBundle on every webhook of the configured webhook configurations and returns those
     * that do not exist. Replicas may patch at the same moment: a conflict is retried on a fresh read.
     */
    public List<WebhookConfiguration> patchCaBundles(String bundlePem) {
        for (int attempt = 1; ; attempt++) {
            try {
                return patchCaBundlesOnce(bundlePem);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private List<WebhookConfiguration> patchCaBundlesOnce(String bundlePem) {
        String caBundle = Base64.getEncoder().encodeToString(bundlePem.getBytes(StandardCharsets.US_ASCII));
        var admission = client.admissionRegistration().v1();
        List<WebhookConfiguration> missing = new ArrayList<>();
        for (WebhookConfiguration configuration : settings.webhookConfigurations()) {
            boolean found = configuration.kind().equals(WebhookConfiguration.MUTATING)
                    ? keepCaBundle(admission.mutatingWebhookConfigurations().withName(configuration.name()),
                            c -> c.getWebhooks().stream().map(MutatingWebhook::getClientConfig).toList(), caBundle,
                            configuration)
                    : keepCaBundle(admission.validatingWebhookConfigurations().withName(configuration.name()),
                            c -> c.getWebhooks().stream().map(ValidatingWebhook::getClientConfig).toList(), caBundle,
                            configuration);
            if (!found) {
                missing.add(configuration);
            }
        }
        return missing;
    }

    /** False if the configuration does not exist; otherwise its webhooks carry {@code caBundle} afterwards. */
    private static <T extends HasMetadata> boolean keepCaBundle(Resource<T> resource,
            Function<T, List<WebhookClientConfig>> clientConfigs, String caBundle, WebhookConfiguration configuration) {
        T current = resource.get();
        if (current == null) {
            return false;
        }
        if (clientConfigs.apply(current).stream().anyMatch(c -> !Objects.equals(c.getCaBundle(), caBundle))) {
            resource.edit(c -> {
                clientConfigs.apply(c).forEach(config -> config.setCaBundle(caBundle));
                return c;
            });
            LOG.infof("patched caBundle of %s", configuration);
        }
        return true;
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
