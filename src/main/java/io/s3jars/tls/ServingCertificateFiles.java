package io.s3jars.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Checks the certificate and key files the server is given, so a mistake stops the start with a plain message. */
public final class ServingCertificateFiles {

    private ServingCertificateFiles() {
    }

    /** The problem with the pair, if any: unreadable, not PEM, expired, or a key that is not the certificate's. */
    public static java.util.Optional<String> problem(Path certificate, Path key) {
        List<X509Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = Pem.certificates(Files.readString(certificate));
            privateKey = Pem.privateKey(Files.readString(key));
        } catch (IOException e) {
            return java.util.Optional.of("cannot read " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of(e.getMessage());
        }
        if (chain.isEmpty()) {
            return java.util.Optional.of(certificate + " holds no certificate");
        }
        if (!Pem.matches(privateKey, chain.get(0))) {
            return java.util.Optional.of("the key in " + key + " does not belong to the certificate in " + certificate);
        }
        if (chain.get(0).getNotAfter().toInstant().isBefore(java.time.Instant.now())) {
            return java.util.Optional.of("the certificate in " + certificate + " expired on " + chain.get(0).getNotAfter());
        }
        return java.util.Optional.empty();
    }
}
