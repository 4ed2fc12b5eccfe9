package io.s3jars.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.s3jars.testing.CertsCommandResource;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.WebhookClient;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The output of {@code certs --service s3jars --namespace ns --dns localhost --ip 127.0.0.1
 * --out DIR}, served by the running application: a client that trusts only {@code DIR/ca.crt} and
 * keeps the JDK's default host name verification completes a real handshake, by name and by IP.
 */
@QuarkusTest
@TestProfile(CertsCommandHandshakeTest.CertsOutput.class)
class CertsCommandHandshakeTest {

    public static class CertsOutput implements QuarkusTestProfile {
        static final Path DIR = Path.of("target", "certs-command-handshake").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            return LocalTlsTestResource.servingFrom(DIR);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CertsCommandResource.class, Map.of("out", DIR.toString())));
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void onlyTheGeneratedCaTrustedWithHostNameVerification() throws Exception {
        X509Certificate generated = Pem.certificates(Files.readString(CertsOutput.DIR.resolve("tls.crt"))).get(0);
        WebhookClient client = new WebhookClient(CertsOutput.DIR.resolve("ca.crt"));
        byte[] review = Fixtures.resource("/spark-pods/review-b-executor-1.json").getBytes(StandardCharsets.UTF_8);
        for (String host : List.of("localhost", "127.0.0.1")) {
            URL url = new URL("https", host, mutate.getPort(), mutate.getPath());
            HttpResponse<String> response = client.post(url, "application/json", review);
            assertThat(response.statusCode()).as(host).isEqualTo(200);
            assertThat(response.body()).as(host).contains("\"allowed\":true");
            var session = response.sslSession().orElseThrow();
            assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber()).as(host)
                    .isEqualTo(generated.getSerialNumber());
            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void anotherCaIsNotTrusted() {
        WebhookClient stranger = new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"));
        assertThatThrownBy(() -> stranger.post(mutate, "application/json", "{}".getBytes(StandardCharsets.UTF_8)))
                .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }
}
