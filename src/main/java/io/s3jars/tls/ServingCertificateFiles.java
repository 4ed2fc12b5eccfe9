package io.s3jars.tls;

import java.io.IOException;
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

    /** The problem with the pair, if any: unreadable, not PEM, expired, or a key that is not the certificate's. */
    public static Optional<String> problem(Path certificate, Path key) {
        List<X509Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = Pem.certificates(Files.readString(certificate));
            privateKey = Pem.privateKey(Files.readString(key));
        } catch (IOException e) {
            return Optional.of("cannot read " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
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
