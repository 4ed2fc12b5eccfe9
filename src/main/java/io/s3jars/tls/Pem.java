package io.s3jars.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reading PEM back: certificates, private keys, and whether a key belongs to a certificate. */
public final class Pem {

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {
    }

    public static List<X509Certificate> certificates(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /**
     * PKCS#8 keys ({@code BEGIN PRIVATE KEY}: what {@code certs}, self-managed mode and most tools
     * write) are read by the JDK; PKCS#1 and SEC1 keys by Bouncy Castle. Its jars are signed, and
     * the JVM verifies a signed jar (and keeps it out of class-data sharing) on first use, which
     * costs a cold start more than a tenth of a second.
     */
    public static PrivateKey privateKey(String pem) {
        return pkcs8(pem).orElseGet(() -> otherFormats(pem));
    }

    private static Optional<PrivateKey> pkcs8(String pem) {
        Matcher block = PKCS8.matcher(pem);
        if (!block.find()) {
            return Optional.empty();
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("not a PEM private key: PKCS#8 key of an unsupported algorithm");
    }

    private static PrivateKey otherFormats(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo()); // SEC1 keys may omit the public key
            }
            throw new IllegalArgumentException("no private key in PEM (found " + (object == null ? "nothing"
                    : object.getClass().getSimpleName()) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
    }

    /** True when {@code key} signs what {@code certificate}'s public key verifies. */
    public static boolean matches(PrivateKey key, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = publicKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = "s3jars key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public static String encode(X509Certificate certificate) {
        return ServingCertificate.pem(certificate);
    }

    public static KeyPair keyPair(String keyPem, X509Certificate certificate) {
        return new KeyPair(certificate.getPublicKey(), privateKey(keyPem));
    }
}
