package io.s3jars.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * For local runs without certificate files: a throwaway CA and a serving certificate for
 * localhost, so the webhook still speaks only HTTPS and {@code curl --cacert} can verify it.
 */
public final class LocalTls {

    private LocalTls() {
    }

    /** Generates into a new temporary directory and returns it. */
    public static Path generate() {
        try {
            Path dir = Files.createTempDirectory("s3jars-tls-");
            generate(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for local certificates", e);
        }
    }

    public static ServingCertificate generate(Path dir) {
        CertificateAuthority ca = CertificateAuthority.create("s3jars local CA", Duration.ofDays(30),
                KeyAlgorithm.ECDSA_P256);
        ServingCertificate serving = ca.issue(List.of("localhost"), List.of("127.0.0.1", "::1"), Duration.ofDays(30));
        serving.writeTo(dir);
        return serving;
    }
}
