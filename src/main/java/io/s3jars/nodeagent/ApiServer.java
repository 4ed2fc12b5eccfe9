package io.s3jars.nodeagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.json.JsonTrees;
import io.s3jars.tls.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The three calls the node agent makes to the API server (list, watch and merge-patch),
 * on the JDK's HTTP client. Written by hand instead of with fabric8's client, which the webhook
 * uses: the agent runs on every node, and fabric8's client and model are about 1,150 of its
 * classes and most of its heap, for one watched node and one watched ConfigMap
 * (docs/performance.md, "The node agent").
 */
final class ApiServer {

    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** The API server refused a call or answered with an error status. */
    static final class CallFailed extends IOException {
        final int status;

        CallFailed(String call, int status, String body) {
            super(call + ": HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
            this.status = status;
        }
    }

    private final URI base;
    private final HttpClient http;
    private final Optional<Path> tokenFile;

    private ApiServer(URI base, HttpClient http, Optional<Path> tokenFile) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.http = http;
        this.tokenFile = tokenFile;
    }

    /** An API server at {@code base} with no credentials: tests and the benchmark's mock server. */
    static ApiServer at(URI base) {
        return new ApiServer(base, client().build(), Optional.empty());
    }

    /** HTTP/1.1: each watch on a connection of its own, as kubectl's are, and no h2c upgrade on plain HTTP. */
    private static HttpClient.Builder client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CALL_TIMEOUT);
    }

    /**
     * In a pod, the API server the kubelet names ({@code KUBERNETES_SERVICE_HOST} and
     * {@code _PORT}) with the service account's token and CA; {@code KUBERNETES_MASTER}, when set,
     * names another, trusted through {@code KUBERNETES_CERTS_CA_FILE} or else the JDK's CAs (the
     * names fabric8 reads, so the webhook and the agent take the same two settings). Throws an
     * {@link IllegalArgumentException} that says what is missing.
     */
    static ApiServer fromEnvironment(Map<String, String> env, Path serviceAccount) {
        String master = env.get("KUBERNETES_MASTER");
        if (master != null && !master.isBlank()) {
            String caFile = env.get("KUBERNETES_CERTS_CA_FILE");
            return caFile == null || caFile.isBlank() ? at(URI.create(master.strip()))
                    : new ApiServer(URI.create(master.strip()), client().sslContext(trusting(Path.of(caFile.strip())))
                            .build(), Optional.empty());
        }
        String host = env.get("KUBERNETES_SERVICE_HOST");
        Path ca = serviceAccount.resolve("ca.crt");
        Path token = serviceAccount.resolve("token");
        if (host == null || host.isBlank() || !Files.isReadable(ca) || !Files.isReadable(token)) {
            throw new IllegalArgumentException("not in a pod with a service account (KUBERNETES_SERVICE_HOST, "
                    + serviceAccount + "/token and ca.crt): run the agent as the chart's DaemonSet, or set "
                    + "KUBERNETES_MASTER to the API server's URL");
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        URI base = URI.create("https://" + hostPart + ":" + env.getOrDefault("KUBERNETES_SERVICE_PORT", "443"));
        return new ApiServer(base, client().sslContext(trusting(ca)).build(),
                Optional.of(token));
    }

    private static SSLContext trusting(Path caFile) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (X509Certificate certificate : Pem.certificates(Files.readString(caFile))) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("the file holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the API server's CA from " + caFile + ": " + e.getMessage());
        }
    }

    /** The object or list at {@code path}; empty on 404. */
    Optional<JsonNode> get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(path).timeout(CALL_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        check("GET " + path, response.statusCode(), response.body());
        return Optional.of(JsonTrees.read(response.body()));
    }

    /** Applies a JSON merge patch to the object at {@code path}. */
    void mergePatch(String path, Object patch) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(path).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JsonTrees.write(patch))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        check("PATCH " + path, response.statusCode(), response.body());
    }

    /**
     * Opens a watch on a WebSocket, as fabric8's client watches (the API server serves a watch
     * either way, and fabric8's mock server, which the tests use, only this way); each message is
     * one watch event.
     */
    CompletableFuture<WebSocket> watch(String path, WebSocket.Listener listener) throws IOException {
        // The API server's WebSocket handler refuses a handshake without an Origin (403), as fabric8's client knows.
        WebSocket.Builder socket = http.newWebSocketBuilder().connectTimeout(CALL_TIMEOUT)
                .header("Origin", base.toString());
        token().ifPresent(token -> socket.header("Authorization", "Bearer " + token));
        return socket.buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + path), listener);
    }

    private HttpRequest.Builder request(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
        token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return request;
    }

    /** Read for every call: the kubelet rotates the projected token file in place. */
    private Optional<String> token() throws IOException {
        return tokenFile.isPresent() ? Optional.of(Files.readString(tokenFile.get()).strip()) : Optional.empty();
    }

    private static void check(String call, int status, byte[] body) throws CallFailed {
        if (status / 100 != 2) {
            // One line, at most 512 bytes of the body: it goes into a log line and the readiness answer.
            String text = new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8)
                    .replaceAll("[\\p{Cntrl}\\s]+", " ");
            throw new CallFailed(call, status, text);
        }
    }
}
