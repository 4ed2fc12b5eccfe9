package io.s3jars.tls;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Checks the certificate and key files the server is given, so a mistake stops the start with a plain message. */
public final class ServingCertificateFiles {

    private ServingCertificateFiles() {
    }

    /**
     * The problem with the pair, if any, naming the file: missing or unreadable, not PEM, swapped,
     * expired, or a key that is not the certificate's.
     */
    public static Optional<String> problem(Path certificate, Path key) {
        String certificateText;
        String keyText;
        try {
            certificateText = Files.readString(certificate);
            keyText = Files.readString(key);
        } catch (NoSuchFileException e) {
            return Optional.of(e.getFile() + " does not exist");
        } catch (IOException e) {
            return Optional.of("cannot read " + e.getMessage());
        }
        if (certificateText.contains("PRIVATE KEY-----") && keyText.contains("-----BEGIN CERTIFICATE-----")) {
            return Optional.of(certificate + " holds a private key and " + key + " a certificate: the two files are"
                    + " swapped (S3JARS_TLS_CERT names the certificate, S3JARS_TLS_KEY the key)");
        }
        List<X509Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = Pem.certificates(certificateText);
        } catch (IllegalArgumentException e) {
            return Optional.of(certificate + ": " + e.getMessage());
        }
        try {
            privateKey = Pem.privateKey(keyText);
        } catch (IllegalArgumentException e) {
            return Optional.of(key + ": " + e.getMessage());
        }
        if (chain.isEmpty()) {
            return Optional.of(certificate + " holds no certificate");
        }
        if (!Pem.matches(privateKey, chain.get(0))) {
            return Optional.of("the key in " + key + " does not belong to the certificate in " + certificate);
        }
        if (chain.get(0).getNotAfter().toInstant().isBefore(Instant.now())) {
            return Optional.of("the certificate in " + certificate + " expired on " + chain.get(0).getNotAfter());
        }
        return Optional.empty();
    }
}
