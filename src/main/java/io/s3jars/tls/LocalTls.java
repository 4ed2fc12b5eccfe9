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

    /** Where a run from the repository puts them, one predictable place: {@code target/s3jars-local-ca}. */
    static final Path IN_THE_BUILD = Path.of("target", "s3jars-local-ca");

    /**
     * Generates into {@code target/s3jars-local-ca} when run from a build (a {@code target} folder
     * here), so a second terminal finds the CA without searching; else into a new temporary folder.
     */
    public static Path generate() {
        try {
            Path dir = Files.isDirectory(IN_THE_BUILD.getParent()) ? Files.createDirectories(IN_THE_BUILD)
                    : Files.createTempDirectory("s3jars-tls-");
            generate(dir);
            return dir.toAbsolutePath();
        } catch (IOException | UncheckedIOException e) {
            Path dir = temporary();
            generate(dir);
            return dir;
        }
    }

    private static Path temporary() {
        try {
            return Files.createTempDirectory("s3jars-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for local certificates: " + e.getMessage(), e);
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
