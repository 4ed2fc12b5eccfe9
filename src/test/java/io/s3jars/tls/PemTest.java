package io.s3jars.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Keys as tools write them: PKCS#8 (read by the JDK), PKCS#1 and SEC1 (read by Bouncy Castle). */
class PemTest {

    @Test
    void readsEveryCommonKeyFormat() throws Exception {
        for (String algorithm : new String[] {"EC", "RSA"}) {
            KeyPair keys = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            String pkcs8 = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            assertThat(Pem.privateKey(pkcs8)).isEqualTo(keys.getPrivate());

        }
    }

    /** The traditional forms, as openssl and cert-manager write them. */
    @Test
    void readsPkcs1AndSec1(@TempDir Path dir) throws Exception {
        for (List<String> command : List.of(List.of("openssl", "genrsa", "-traditional", "-out", "key.pem", "2048"),
                List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem"))) {
            Process openssl = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            assertThat(openssl.waitFor()).as(String.join(" ", command)).isZero();
            String pem = Files.readString(dir.resolve("key.pem"));
            assertThat(pem).containsPattern("BEGIN (RSA|EC) PRIVATE KEY");
            assertThat(Pem.privateKey(pem).getAlgorithm()).isIn("RSA", "EC", "ECDSA");
        }
    }

    @Test
    void garbageIsAClearError() {
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
        assertThatThrownBy(() -> Pem.privateKey("hello")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no private key");
    }
}
