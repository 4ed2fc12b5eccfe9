package io.s3jars.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.s3jars.tls.CertificateAuthority;
import io.s3jars.tls.KeyAlgorithm;
import io.s3jars.tls.ServingCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Serving files for @QuarkusTest runs: a CA and a localhost certificate, as the {@code certs}
 * command writes them. Tests that trust only this CA (with host name verification) therefore do a
 * real handshake; the CA is kept so tests can issue a renewed certificate.
 */
public class LocalTlsTestResource implements QuarkusTestResourceLifecycleManager {

    public static Path dir;
    public static CertificateAuthority ca;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("s3jars-test-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ca = CertificateAuthority.create("s3jars test CA", Duration.ofDays(30), KeyAlgorithm.ECDSA_P256);
        issue(Duration.ofDays(30));
        return Map.of("s3jars.tls.cert", dir.resolve("tls.crt").toString(),
                "s3jars.tls.key", dir.resolve("tls.key").toString());
    }

    /**
     * Config for a test profile that serves {@code dir}'s tls.crt and tls.key instead. The TLS
     * registry's own keys are set directly as well, since this resource, which applies to every
     * {@code @QuarkusTest}, also sets {@code s3jars.tls.*}.
     */
    public static Map<String, String> servingFrom(Path dir) {
        String cert = dir.resolve("tls.crt").toString();
        String key = dir.resolve("tls.key").toString();
        return Map.of("s3jars.tls.cert", cert, "s3jars.tls.key", key,
                "quarkus.tls.webhook.key-store.pem.0.cert", cert, "quarkus.tls.webhook.key-store.pem.0.key", key);
    }

    /** Writes a new localhost certificate from the same CA into the served files. */
    public static ServingCertificate issue(Duration lifetime) {
        ServingCertificate serving = ca.issue(List.of("localhost"), List.of("127.0.0.1"), lifetime);
        serving.writeTo(dir);
        return serving;
    }

    @Override
    public void stop() {
    }
}
