package io.s3jars.selfmanaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.MockApiServerResource;
import io.s3jars.testing.WebhookClient;
import io.s3jars.tls.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Self-managed renewal in the running application: the Secret holds a serving certificate that
 * expires in two days, inside the 15-day renewal window, and the webhook serves it from its files.
 * The API server refuses the Secret until the test opens it (RBAC arriving late); then
 * {@code CertificateManager} renews from the same CA, writes the Secret, patches both webhook
 * configurations, swaps the files and reloads the TLS configuration, while a client keeps calling
 * {@code /mutate} over one kept-alive connection, as the API server does.
 *
 * <p>The client trusts only the CA and requires {@code s3jars.s3jars-system.svc}, the name the API
 * server verifies; the periodic file reload is set to an hour, so the swap can only be the
 * manager's own reload.
 */
@QuarkusTest
@TestProfile(SelfManagedRenewalTest.SelfManaged.class)
class SelfManagedRenewalTest {

    private static final String SECRETS = "/api/v1/namespaces/" + MockApiServerResource.NAMESPACE + "/secrets";
    private static final String SERVICE_NAME = "s3jars.s3jars-system.svc";

    public static class SelfManaged implements QuarkusTestProfile {
        static final Path DIR = Path.of("target", "self-managed-renewal-tls").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(LocalTlsTestResource.servingFrom(DIR));
            config.putAll(Map.of("s3jars.policy-file", "", "%test.s3jars.policy-file", "",
                    "s3jars.certs.mode", "self-managed", "quarkus.tls.webhook.reload-period", "1h"));
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MockApiServerResource.class, Map.of(
                    "nearlyExpiredCertificateIn", DIR.toString(), "gates", SECRETS)));
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Test
    void aNearlyExpiredCertificateIsRenewedWhileRequestsKeepBeingServed() throws Exception {
        X509Certificate nearlyExpired = Pem.certificates(Files.readString(SelfManaged.DIR.resolve("tls.crt"))).get(0);
        assertThat(nearlyExpired.getNotAfter().toInstant()).isBefore(Instant.now().plus(Duration.ofDays(15)));
        assertThat(servedSerial()).isEqualTo(nearlyExpired.getSerialNumber());
        JsonNode waiting = certificatesCheck();
        assertThat(waiting.path("status").asText()).isEqualTo("DOWN");
        assertThat(waiting.at("/data/lastFailure").asText()).contains("403");

        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        WebhookClient keepAlive = new WebhookClient(trust());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean renewed = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        AtomicInteger servedAfterRenewal = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Set<BigInteger> keptAliveSerialsAfterRenewal = ConcurrentHashMap.newKeySet();
        Thread load = new Thread(() -> {
            while (running.get()) {
                try {
                    boolean after = renewed.get();
                    HttpResponse<String> response = keepAlive.post(mutate, "application/json", review);
                    if (response.statusCode() != 200 || !response.body().contains("\"allowed\":true")) {
                        failed.incrementAndGet();
                        continue;
                    }
                    served.incrementAndGet();
                    if (after) {
                        servedAfterRenewal.incrementAndGet();
                        keptAliveSerialsAfterRenewal.add(serial(response));
                    }
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    System.out.println("request failed: " + e);
                    failed.incrementAndGet();
                }
            }
        });
        load.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> served.get() > 10);
            MockApiServerResource.api.openGate(SECRETS);
            // Each probe is a new connection; one accepted at the very instant of the swap can be
            // reset (a known limitation, docs/operations.md), so a failed probe is retried. The kept-alive
            // connection, which is what this test is about, must not fail at all.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                BigInteger inSecret = Pem.certificates(MockApiServerResource.secretEntry("tls.crt")).get(0)
                        .getSerialNumber();
                return !inSecret.equals(nearlyExpired.getSerialNumber()) && servedSerial().equals(inSecret);
            });
            renewed.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> servedAfterRenewal.get() > 10);
        } finally {
            running.set(false);
            load.join();
        }

        X509Certificate current = Pem.certificates(MockApiServerResource.secretEntry("tls.crt")).get(0);
        System.out.printf("self-managed renewal: %d requests on a kept-alive connection (%d after the renewal), %d failed%n",
                served.get(), servedAfterRenewal.get(), failed.get());
        assertThat(failed.get()).isZero();
        assertThat(keptAliveSerialsAfterRenewal).as("the kept-alive connection still answers, on its old certificate")
                .containsExactly(nearlyExpired.getSerialNumber());
        assertThat(servedSerial()).as("a new connection gets the renewed certificate").isEqualTo(current.getSerialNumber());
        assertThat(current.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(80)));
        X509Certificate ca = Pem.certificates(Files.readString(SelfManaged.DIR.resolve("ca.crt"))).get(0);
        current.verify(ca.getPublicKey());
        String caPem = Pem.encode(ca).trim();
        var admission = MockApiServerResource.client.admissionRegistration().v1();
        assertThat(admission.mutatingWebhookConfigurations().withName("s3jars").get().getWebhooks())
                .allMatch(w -> decode(w.getClientConfig().getCaBundle()).contains(caPem));
        assertThat(admission.validatingWebhookConfigurations().withName("s3jars").get().getWebhooks()).hasSize(2)
                .allMatch(w -> decode(w.getClientConfig().getCaBundle()).contains(caPem));
        await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(certificatesCheck().path("status").asText()));
    }

    /** The serial of the certificate a brand-new connection is given. */
    private BigInteger servedSerial() {
        return serial(new WebhookClient(trust()).post(mutate, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
    }

    private static SSLContext trust() {
        return WebhookClient.trustingFor(SelfManaged.DIR.resolve("ca.crt"), SERVICE_NAME);
    }

    private static BigInteger serial(HttpResponse<?> response) {
        try {
            return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new AssertionError(e);
        }
    }

    private static String decode(String base64) {
        return base64 == null ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }

    private JsonNode certificatesCheck() throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ready.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode check : Fixtures.JSON.readTree(body).path("checks")) {
            if (check.path("name").asText().equals("s3jars-certificates")) {
                return check;
            }
        }
        throw new AssertionError("no s3jars-certificates check in " + body);
    }
}
