package io.s3jars.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An HTTPS client that trusts only the given CA and verifies the host name, speaking HTTP/1.1
 * with keep-alive as the API server does.
 */
public final class WebhookClient {

    private final HttpClient client;

    public WebhookClient(Path caCertificate) {
        this(trusting(caCertificate));
    }

    public WebhookClient(SSLContext tls) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @param contentType null to send no Content-Type */
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
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).expectContinue(expectContinue)
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trusting(Path caCertificate) {
        return context(caTrust(caCertificate));
    }

    /**
     * Trusts only {@code caCertificate} and requires the server certificate to name
     * {@code dnsName}, whatever address was dialled: what the API server checks when it calls
     * {@code <service>.<namespace>.svc}, here for a server reached on localhost.
     */
    public static SSLContext trustingFor(Path caCertificate, String dnsName) {
        X509TrustManager chain = caTrust(caCertificate);
        return context(new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
                chain.checkServerTrusted(certificates, authType);
                Collection<List<?>> names = certificates[0].getSubjectAlternativeNames();
                if (names == null || names.stream().noneMatch(n -> Integer.valueOf(2).equals(n.get(0))
                        && dnsName.equals(n.get(1)))) {
                    throw new CertificateException("the server certificate does not name " + dnsName);
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
                    throws CertificateException {
                checkServerTrusted(certificates, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                    throws CertificateException {
                checkServerTrusted(certificates, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
                throw new CertificateException("a client only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("a client only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                    throws CertificateException {
                throw new CertificateException("a client only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return chain.getAcceptedIssuers();
            }
        });
    }

    private static X509TrustManager caTrust(Path caCertificate) {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caCertificate, e);
        }
    }

    private static SSLContext context(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
