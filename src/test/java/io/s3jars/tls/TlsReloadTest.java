package io.s3jars.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.WebhookClient;
import java.math.BigInteger;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A renewed certificate written over the serving files reaches new connections without a
 * restart, while requests on a kept-alive connection (as the API server holds them) keep being
 * answered. The client trusts only the test CA and verifies the host name.
 */
@QuarkusTest
@TestProfile(TlsReloadTest.FastReload.class)
@QuarkusTestResource(LocalTlsTestResource.class)
class TlsReloadTest {

    public static class FastReload implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.tls.webhook.reload-period", "1s");
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void aRenewedCertificateReachesNewConnectionsWhileKeptAliveOnesKeepServing() throws Exception {
        BigInteger before = servedSerial();
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        WebhookClient keepAlive = client();
        Thread load = new Thread(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> response = keepAlive.post(mutate, "application/json", review);
                    (response.statusCode() == 200 ? served : failed).incrementAndGet();
                } catch (RuntimeException e) {
                    System.out.println("request failed: " + e);
                    failed.incrementAndGet();
                }
            }
        });
        load.start();
        java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(String.format(record.getMessage(), record.getParameters() == null
                        ? new Object[0] : record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger manager = java.util.logging.Logger.getLogger("io.s3jars.app.CertificateManager");
        manager.addHandler(capture);
        ServingCertificate renewed = LocalTlsTestResource.issue(Duration.ofDays(60));
        // The probe opens a new connection each time; one accepted at the very instant of the swap
        // can be reset (a known limitation, docs/operations.md), so a failed probe is simply retried.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> servedSerial().equals(renewed.certificate().getSerialNumber()));
        Thread.sleep(500);
        running.set(false);
        load.join();
        // One line for the new certificate, whoever renewed it, however many reloads ran meanwhile.
        String serial = renewed.certificate().getSerialNumber().toString(16);
        await().atMost(Duration.ofSeconds(5)).until(() -> logged.stream().anyMatch(l -> l.contains(serial)));
        Thread.sleep(2_500);
        manager.removeHandler(capture);
        assertThat(logged).filteredOn(l -> l.startsWith("serving certificate")).containsExactly(
                "serving certificate " + serial + ", valid until " + renewed.certificate().getNotAfter());
        assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(before);
        assertThat(failed.get()).isZero();
        assertThat(served.get()).isGreaterThan(5);
    }

    /** The serial of the certificate a brand-new connection is given. */
    private BigInteger servedSerial() {
        HttpResponse<String> response = client().post(mutate, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        try {
            return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new AssertionError(e);
        }
    }

    private static WebhookClient client() {
        return new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"));
    }
}
