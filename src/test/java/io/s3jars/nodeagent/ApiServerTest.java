package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.s3jars.tls.CertificateAuthority;
import io.s3jars.tls.KeyAlgorithm;
import io.s3jars.tls.Pem;
import io.s3jars.tls.ServingCertificate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's connection to the API server in a pod: the service account's CA is the only one
 * trusted, its token is sent and read again for every call (the kubelet rotates it), and errors
 * carry the API server's status.
 */
class ApiServerTest {

    @TempDir
    Path serviceAccount;

    private final CertificateAuthority ca = CertificateAuthority.create("test API server CA", Duration.ofDays(1),
            KeyAlgorithm.ECDSA_P256);
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpsServer server;

    @BeforeEach
    void start() throws Exception {
        ServingCertificate serving = ca.issue(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("serving", serving.keys().getPrivate(), new char[0],
                new Certificate[] {serving.certificate(), ca.certificate()});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String path = exchange.getRequestURI().getPath();
            int status = path.endsWith("/missing") ? 404 : path.endsWith("/forbidden") ? 403 : 200;
            byte[] body = (status == 403 ? "{\"message\":\n  \"nodes is forbidden\"}\n" : "{\"kind\":\"NodeList\",\"items\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Files.writeString(serviceAccount.resolve("token"), "first-token\n");
        Files.writeString(serviceAccount.resolve("ca.crt"), Pem.encode(ca.certificate()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ApiServer inPod() {
        return ApiServer.fromEnvironment(Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT",
                Integer.toString(server.getAddress().getPort())), serviceAccount);
    }

    @Test
    void theServiceAccountsTokenIsSentAndReadAgainForEveryCall() throws Exception {
        ApiServer api = inPod();
        assertThat(api.get("/api/v1/nodes")).hasValueSatisfying(list -> assertThat(list.path("kind").asText())
                .isEqualTo("NodeList"));
        Files.writeString(serviceAccount.resolve("token"), "rotated-token\n");
        api.get("/api/v1/nodes");
        assertThat(authorizations).containsExactly("Bearer first-token", "Bearer rotated-token");
    }

    @Test
    void onlyTheServiceAccountsCaIsTrusted() throws Exception {
        CertificateAuthority other = CertificateAuthority.create("another CA", Duration.ofDays(1), KeyAlgorithm.ECDSA_P256);
        Files.writeString(serviceAccount.resolve("ca.crt"), Pem.encode(other.certificate()));
        ApiServer api = inPod();
        assertThatThrownBy(() -> api.get("/api/v1/nodes")).isInstanceOf(SSLHandshakeException.class);
        assertThat(authorizations).as("no token leaves for a server the CA did not sign").isEmpty();
    }

    @Test
    void aMissingObjectIsEmptyAndARefusalCarriesTheStatus() throws Exception {
        ApiServer api = inPod();
        assertThat(api.get("/api/v1/nodes/missing")).isEmpty();
        assertThatThrownBy(() -> api.get("/api/v1/nodes/forbidden")).isInstanceOf(ApiServer.CallFailed.class)
                .hasMessage("GET /api/v1/nodes/forbidden: HTTP 403: {\"message\": \"nodes is forbidden\"}");
    }

    @Test
    void outsideAPodWithoutKubernetesMasterTheStartSaysWhatIsMissing() {
        assertThatThrownBy(() -> ApiServer.fromEnvironment(Map.of(), serviceAccount.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KUBERNETES_SERVICE_HOST").hasMessageContaining("set KUBERNETES_MASTER");
    }

    @Test
    void anotherApiServerIsTrustedThroughTheCaFileNamedBesideIt() throws Exception {
        Map<String, String> env = Map.of("KUBERNETES_MASTER", "https://localhost:" + server.getAddress().getPort(),
                "KUBERNETES_CERTS_CA_FILE", serviceAccount.resolve("ca.crt").toString());
        ApiServer api = ApiServer.fromEnvironment(env, serviceAccount.resolve("absent"));
        assertThat(api.get("/api/v1/nodes")).isPresent();
        assertThat(authorizations).as("no token is sent to a server named by KUBERNETES_MASTER").containsExactly((String) null);
        Map<String, String> missing = Map.of("KUBERNETES_MASTER", "https://localhost:1",
                "KUBERNETES_CERTS_CA_FILE", "/absent/ca.crt");
        assertThatThrownBy(() -> ApiServer.fromEnvironment(missing, serviceAccount.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read the API server's CA from /absent/ca.crt");
    }

    @Test
    void anUnreadableCaStopsTheStartWithTheFilesName() throws Exception {
        Files.writeString(serviceAccount.resolve("ca.crt"), "not a certificate");
        assertThatThrownBy(this::inPod).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the API server's CA from " + serviceAccount.resolve("ca.crt"));
        Files.writeString(serviceAccount.resolve("ca.crt"), "");
        assertThatThrownBy(this::inPod).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read the API server's CA from " + serviceAccount.resolve("ca.crt")
                        + ": the file holds no certificate");
    }
}
