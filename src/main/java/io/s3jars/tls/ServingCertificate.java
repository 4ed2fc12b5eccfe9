package io.s3jars.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** A serving certificate, its key and the CA that signed it, writable as the PEM files a Secret holds. */
public record ServingCertificate(X509Certificate certificate, KeyPair keys, X509Certificate ca) {

    public static final String CA_FILE = "ca.crt";
    public static final String CERT_FILE = "tls.crt";
    public static final String KEY_FILE = "tls.key";

    public String certificatePem() {
        return pem(certificate);
    }

    public String caPem() {
        return pem(ca);
    }

    /** PKCS#8, the form every TLS stack reads. */
    public String keyPem() {
        try {
            return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode the private key", e);
        }
    }

    /** Writes ca.crt, tls.crt and tls.key (owner-only) into {@code dir}, replacing all three at once. */
    public void writeTo(Path dir) {
        try {
            AtomicFiles.write(dir, java.util.Map.of(CA_FILE, caPem(), CERT_FILE, certificatePem(), KEY_FILE, keyPem()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write certificates to " + dir, e);
        }
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
