package io.s3jars.selfmanaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.s3jars.tls.CertsCommandTest;
import io.s3jars.tls.Pem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Self-managed certificates against a mock API server. */
@EnableKubernetesMockClient(crud = true)
class SelfManagedCertificatesTest {

    private static final String NS = "s3jars-system";

    KubernetesClient client;
    KubernetesMockServer server;

    @BeforeEach
    void webhookConfigurations() {
        mutatingConfiguration();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("s3jars").endMetadata()
                        .addNewWebhook().withName("policy.s3jars.io").withNewClientConfig().withNewService()
                        .withName("s3jars").withNamespace(NS).withPath("/validate").endService().endClientConfig()
                        .endWebhook()
                        .addNewWebhook().withName("hostpath-guard.s3jars.io").withNewClientConfig().withNewService()
                        .withName("s3jars").withNamespace(NS).withPath("/validate").endService().endClientConfig()
                        .endWebhook().build()).create();
    }

    @Test
    void generatesIntoAnEmptySecretAndPatchesBothWebhookConfigurations() throws Exception {
        SelfManagedCertificates.Settlement settlement = manager(Duration.ofDays(90)).settle();
        assertThat(settlement.complete()).isTrue();
        SelfManagedCertificates.Material material = settlement.material();
        Secret secret = client.secrets().inNamespace(NS).withName("s3jars-tls").get();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt", "ca.key", "ca-bundle.crt");
        X509Certificate ca = Pem.certificates(decode(secret, "ca.crt")).get(0);
        material.certificate().verify(ca.getPublicKey());
        assertThat(CertsCommandTest.sans(material.certificate())).contains("s3jars.s3jars-system.svc");

        String caBundle = Base64.getEncoder().encodeToString(material.caBundlePem().getBytes(StandardCharsets.US_ASCII));
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("s3jars").get()
                .getWebhooks()).allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()));
        assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().withName("s3jars").get()
                .getWebhooks()).hasSize(2).allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()));

        SelfManagedCertificates.Material again = manager(Duration.ofDays(90)).ensure();
        assertThat(again.certificatePem()).isEqualTo(material.certificatePem());
    }

    @Test
    void aConfigurationDeletedAndRecreatedWithoutCaBundleGetsItBackOnTheNextCheck() {
        SelfManagedCertificates certificates = manager(Duration.ofDays(90));
        String caBundle = caBundle(certificates.settle().material());
        var mutating = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("s3jars");

        mutating.delete();
        SelfManagedCertificates.Settlement whileMissing = certificates.recheck().orElseThrow();
        assertThat(whileMissing.complete()).isFalse();
        assertThat(whileMissing.missingConfigurations()).extracting(Object::toString)
                .containsExactly("mutatingwebhookconfiguration/s3jars");

        mutatingConfiguration();
        assertThat(mutating.get().getWebhooks().get(0).getClientConfig().getCaBundle()).isNull();
        SelfManagedCertificates.Settlement recreated = certificates.recheck().orElseThrow();
        assertThat(recreated.complete()).isTrue();
        assertThat(mutating.get().getWebhooks()).allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()));
    }

    @Test
    void aMissingConfigurationIsNotSettledButTheSecretIsWritten() {
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName("s3jars").delete();
        SelfManagedCertificates.Settlement settlement = manager(Duration.ofDays(90)).settle();
        assertThat(settlement.complete()).isFalse();
        assertThat(settlement.missingConfigurations()).extracting(Object::toString)
                .containsExactly("validatingwebhookconfiguration/s3jars");
        assertThat(client.secrets().inNamespace(NS).withName("s3jars-tls").get()).isNotNull();
        String caBundle = caBundle(settlement.material());
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("s3jars").get()
                .getWebhooks()).allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()));
    }

    @Test
    void onlyTheNamedKindsAreRequired() {
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName("s3jars").delete();
        SelfManagedCertificates mutatingOnly = new SelfManagedCertificates(client, new SelfManagedCertificates.Settings(
                NS, "s3jars-tls", "s3jars", SelfManagedCertificates.Settings.configurations(
                        List.of("mutatingwebhookconfiguration/s3jars")), Duration.ofDays(15), Duration.ofDays(90),
                Duration.ofDays(3650)), Clock.systemUTC());
        assertThat(mutatingOnly.settle().complete()).isTrue();
    }

    @Test
    void theFrequentCheckNeverIssues() {
        assertThat(manager(Duration.ofDays(90)).recheck()).isEmpty();
        assertThat(client.secrets().inNamespace(NS).withName("s3jars-tls").get()).isNull();
    }

    @Test
    void configurationNamesAndLifetimesThatCannotWorkAreRefused() {
        assertThat(SelfManagedCertificates.Settings.configurations(List.of("s3jars", "validatingwebhookconfiguration/x")))
                .extracting(Object::toString).containsExactly("mutatingwebhookconfiguration/s3jars",
                        "validatingwebhookconfiguration/s3jars", "validatingwebhookconfiguration/x");
        assertThatThrownBy(() -> SelfManagedCertificates.Settings.configurations(List.of("webhooks/s3jars")))
                .hasMessageContaining("must be NAME, mutatingwebhookconfiguration/NAME or validatingwebhookconfiguration/NAME");
        assertThatThrownBy(() -> settings(Duration.ofDays(15), Duration.ofDays(90), Duration.ofDays(105)))
                .hasMessageContaining("the CA lifetime (PT2520H) must be longer than the serving certificate lifetime"
                        + " plus the renewal window (PT2520H)");
        assertThatThrownBy(() -> settings(Duration.ofDays(90), Duration.ofDays(90), Duration.ofDays(3650)))
                .hasMessageContaining("must be longer than the renewal window");
    }

    @Test
    void replicasStartingTogetherConvergeOnOneCa() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<SelfManagedCertificates.Material> replica = () -> manager(Duration.ofDays(90)).settle().material();
            List<Callable<SelfManagedCertificates.Material>> replicas = List.of(replica, replica, replica, replica);
            Set<String> bundles = pool.invokeAll(replicas).stream().map(SelfManagedCertificatesTest::get)
                    .map(SelfManagedCertificates.Material::caBundlePem).collect(Collectors.toSet());
            String stored = decode(client.secrets().inNamespace(NS).withName("s3jars-tls").get(), "ca-bundle.crt");
            assertThat(bundles).containsExactly(stored);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The conflict path made deterministic: replica B reads the Secret, and just before B writes,
     * replica A settles completely (reads, issues, writes). B's write carries the stale state, so
     * the API server refuses it with 409, and B adopts what A wrote. Both with an empty Secret
     * (B's create conflicts) and with a nearly expired one (B's replace at the old resourceVersion
     * conflicts).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no Secret yet", "a nearly expired Secret"})
    void aReplicaWhoseWriteLosesTheRaceAdoptsTheWinnersCertificate(String start) throws Exception {
        if (start.equals("a nearly expired Secret")) {
            new SelfManagedCertificates(client, settings(Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(3650)),
                    Clock.systemUTC()).ensure();
        }
        SelfManagedCertificates replicaA = manager(Duration.ofDays(90));
        AtomicReference<SelfManagedCertificates.Settlement> settledByA = new AtomicReference<>();
        List<Integer> writesByB = new CopyOnWriteArrayList<>();
        Interceptor raceBeforeTheWrite = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (isSecretWrite(request) && settledByA.get() == null) {
                    settledByA.set(replicaA.settle());
                }
            }

            @Override
            public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                if (isSecretWrite(request)) {
                    writesByB.add(response.code());
                }
            }
        };
        try (KubernetesClient clientOfB = server.createClient(builder -> builder.withHttpClientBuilderConsumer(
                http -> http.addOrReplaceInterceptor("race", raceBeforeTheWrite)))) {
            SelfManagedCertificates replicaB = new SelfManagedCertificates(clientOfB, settings(Duration.ofDays(15),
                    Duration.ofDays(90), Duration.ofDays(3650)), Clock.systemUTC());
            SelfManagedCertificates.Settlement settledByB = replicaB.settle();

            assertThat(writesByB).as("B wrote once, with the stale state, and was refused").containsExactly(409);
            SelfManagedCertificates.Material winner = settledByA.get().material();
            assertThat(settledByB.material().certificatePem()).isEqualTo(winner.certificatePem());
            assertThat(settledByB.material().caBundlePem()).isEqualTo(winner.caBundlePem());
            Secret secret = client.secrets().inNamespace(NS).withName("s3jars-tls").get();
            assertThat(decode(secret, "tls.crt")).isEqualTo(winner.certificatePem());
            X509Certificate ca = Pem.certificates(decode(secret, "ca.crt")).get(0);
            assertThat(winner.caBundlePem()).contains(Pem.encode(ca).trim());
            settledByB.material().certificate().verify(ca.getPublicKey());
            String caBundle = caBundle(winner);
            assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("s3jars").get()
                    .getWebhooks()).allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()));
            assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().withName("s3jars").get()
                    .getWebhooks()).hasSize(2).allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()));
        }
    }

    private static boolean isSecretWrite(HttpRequest request) {
        return (request.method().equals("POST") || request.method().equals("PUT"))
                && request.uri().getPath().contains("/secrets");
    }

    @Test
    void aNearlyExpiredCertificateIsRenewedFromTheSameCa() throws Exception {
        SelfManagedCertificates.Material shortLived = new SelfManagedCertificates(client, settings(Duration.ofDays(1),
                Duration.ofDays(2), Duration.ofDays(3650)), Clock.systemUTC()).ensure();
        SelfManagedCertificates.Material renewed = manager(Duration.ofDays(90)).ensure();
        assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(shortLived.certificate().getSerialNumber());
        assertThat(renewed.certificate().getNotAfter()).isAfter(shortLived.certificate().getNotAfter());
        assertThat(renewed.caBundlePem()).isEqualTo(shortLived.caBundlePem());
    }

    @Test
    void aCaRotationKeepsTheOldCaTrustedAlongsideTheNew() throws Exception {
        SelfManagedCertificates first = new SelfManagedCertificates(client, settings(Duration.ofDays(1), Duration.ofDays(2),
                Duration.ofDays(20)), Clock.systemUTC());
        SelfManagedCertificates.Material old = first.ensure();
        SelfManagedCertificates.Material rotated = manager(Duration.ofDays(90)).ensure();
        List<X509Certificate> trusted = Pem.certificates(rotated.caBundlePem());
        assertThat(trusted).hasSize(2);
        assertThat(trusted).contains(Pem.certificates(old.caBundlePem()).get(0));
        rotated.certificate().verify(trusted.get(0).getPublicKey());
    }

    /** As the chart creates it: no caBundle. */
    private void mutatingConfiguration() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("s3jars").endMetadata()
                .addNewWebhook().withName("pods.s3jars.io").withNewClientConfig().withNewService().withName("s3jars")
                .withNamespace(NS).withPath("/mutate").endService().endClientConfig().endWebhook().build()).create();
    }

    private static String caBundle(SelfManagedCertificates.Material material) {
        return Base64.getEncoder().encodeToString(material.caBundlePem().getBytes(StandardCharsets.US_ASCII));
    }

    private SelfManagedCertificates manager(Duration serverLifetime) {
        return new SelfManagedCertificates(client, settings(Duration.ofDays(15), serverLifetime, Duration.ofDays(3650)),
                Clock.systemUTC());
    }

    private static SelfManagedCertificates.Settings settings(Duration renewBefore, Duration serverLifetime,
            Duration caLifetime) {
        return new SelfManagedCertificates.Settings(NS, "s3jars-tls", "s3jars",
                SelfManagedCertificates.Settings.configurations(List.of("s3jars")), renewBefore,
                serverLifetime, caLifetime);
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
