package io.s3jars.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS client that trusts only the given CA and verifies the host name, speaking HTTP/1.1
 * with keep-alive as the API server does.
 */
public final class WebhookClient {

    private final HttpClient client;

    public WebhookClient(Path caCertificate) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting(caCertificate)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public HttpResponse<String> post(URL url, String contentType, byte[] body) {
        return post(url, contentType, body, false);
    }

    /**
     * @param expectContinue send headers first and the body only after {@code 100 Continue}: the
     *                       server can then refuse an oversized body without the client writing
     *                       into a closed connection
     */
    public HttpResponse<String> post(URL url, String contentType, byte[] body, boolean expectContinue) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url.toString())).expectContinue(expectContinue)
                    .header("Content-Type", contentType).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trusting(Path caCertificate) {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caCertificate, e);
        }
    }
}
