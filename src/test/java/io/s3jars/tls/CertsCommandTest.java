package io.s3jars.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.s3jars.cli.CertsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code certs} output, parsed back. */
public class CertsCommandTest {

    @TempDir
    Path out;

    @Test
    void writesAVerifiableChainWithTheServiceNames() throws Exception {
        assertThat(certs("--service", "s3jars", "--namespace", "s3jars-system", "--out", out.toString(),
                "--dns", "webhook.example.com", "--ip", "10.0.0.7")).isZero();
        X509Certificate ca = Pem.certificates(Files.readString(out.resolve("ca.crt"))).get(0);
        X509Certificate leaf = Pem.certificates(Files.readString(out.resolve("tls.crt"))).get(0);
        leaf.verify(ca.getPublicKey());
        leaf.checkValidity();
        ca.checkValidity();
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).toList()).containsExactly(
                "s3jars.s3jars-system.svc", "s3jars", "s3jars.s3jars-system", "s3jars.s3jars-system.svc.cluster.local",
                "webhook.example.com", "10.0.0.7");
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime()).isBetween(
                90L * 86_400_000, 90L * 86_400_000 + 600_000);
        assertThat(Pem.matches(Pem.privateKey(Files.readString(out.resolve("tls.key"))), leaf)).isTrue();
        assertThat(Files.getPosixFilePermissions(out.resolve("tls.key")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        String bundle = new String(Base64.getDecoder().decode(Files.readString(out.resolve("cabundle.b64")).trim()),
                StandardCharsets.US_ASCII);
        assertThat(bundle).isEqualTo(Files.readString(out.resolve("ca.crt")));
        Secret secret = Serialization.unmarshal(Files.readString(out.resolve("secret.yaml")), Secret.class);
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("s3jars-system");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII))
                .isEqualTo(Files.readString(out.resolve("tls.crt")));
    }

    @Test
    void rsaAndLifetimesAreOptions() throws Exception {
        assertThat(certs("--service", "s", "--namespace", "n", "--out", out.toString(), "--rsa", "--days", "10")).isZero();
        X509Certificate leaf = Pem.certificates(Files.readString(out.resolve("tls.crt"))).get(0);
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime()).isLessThan(11L * 86_400_000);
    }

    @Test
    void copiesTheManifestsWithTheCaBundleAndLeavesThemAsTheyAre() throws Exception {
        Path manifests = Files.createDirectory(out.resolve("manifests"));
        String original = "webhooks:\n- clientConfig:\n    caBundle: \"\"\n- clientConfig:\n    caBundle: OLD\n";
        Files.writeString(manifests.resolve("webhooks.yaml"), original);
        assertThat(certs("--service", "s3jars", "--namespace", "ns", "--out", out.resolve("pki").toString(),
                "--webhook-config", manifests.toString())).isZero();
        String caBundle = Files.readString(out.resolve("pki/cabundle.b64")).trim();
        assertThat(Files.readString(out.resolve("pki/webhook-config/webhooks.yaml")))
                .isEqualTo("webhooks:\n- clientConfig:\n    caBundle: " + caBundle + "\n- clientConfig:\n    caBundle: "
                        + caBundle + "\n");
        assertThat(Files.readString(out.resolve("pki/webhook-config/tls-secret.yaml"))).isEqualTo(Files.readString(
                out.resolve("pki/secret.yaml")));
        // The folder under version control is not touched: no key lands there.
        assertThat(Files.readString(manifests.resolve("webhooks.yaml"))).isEqualTo(original);
        assertThat(manifests.resolve("tls-secret.yaml")).doesNotExist();
    }

    @Test
    void secretManifestsHoldingTheKeyAreOwnerOnly() throws Exception {
        Path manifests = Files.createDirectory(out.resolve("manifests"));
        Path placeholder = Files.writeString(manifests.resolve("tls-secret.yaml"), "placeholder\n");
        Files.setPosixFilePermissions(placeholder, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(certs("--service", "s3jars", "--namespace", "ns", "--out", out.resolve("pki").toString(),
                "--webhook-config", manifests.toString())).isZero();
        for (Path file : List.of(out.resolve("pki/secret.yaml"), out.resolve("pki/webhook-config/tls-secret.yaml"),
                out.resolve("pki/tls.key"))) {
            assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(out.resolve("pki/webhook-config/tls-secret.yaml"))).contains("tls.key: ");
        assertThat(Files.readString(placeholder)).isEqualTo("placeholder\n");
    }

    @Test
    void helpAndAnUnwritableOutputAnswerInOneLine() throws Exception {
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertThat(CertsCommand.run(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isZero();
        assertThat(help.toString()).contains("Usage: certs").contains("--webhook-config=DIR");
        // A folder that cannot be made, even by root: its parent is a file.
        Path notAFolder = Files.writeString(out.resolve("a-file"), "x");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = CertsCommand.run(new String[] {"--service", "s", "--namespace", "n", "--out",
            notAFolder.resolve("pki").toString()}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(errors.toString()).startsWith("certs: cannot write to").hasLineCount(1);
        ByteArrayOutputStream missing = new ByteArrayOutputStream();
        assertThat(CertsCommand.run(new String[] {"--service", "s", "--namespace", "n", "--out", out.toString(),
            "--webhook-config", "/nonexistent"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(missing, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(missing.toString()).isEqualTo("certs: --webhook-config /nonexistent is not a folder of manifests\n");
    }

    @Test
    void anInvalidIpIsBadInputWithAMessage() {
        for (String ip : List.of("10.0.0.256", "webhook.example.com", "10.0.0.0/8", "")) {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int code = CertsCommand.run(new String[] {"--service", "s", "--namespace", "n", "--out", out.toString(),
                "--ip", ip}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(errors, true, StandardCharsets.UTF_8));
            assertThat(code).as(ip).isEqualTo(2);
            assertThat(errors.toString(StandardCharsets.UTF_8)).as(ip)
                    .contains("--ip needs an IPv4 or IPv6 address", "'" + ip + "'");
        }
        assertThat(out.resolve("tls.key")).doesNotExist();
        assertThat(certs("--service", "s", "--namespace", "n", "--out", out.toString(), "--ip", "fd00::7")).isZero();
    }

    @Test
    void missingArgumentsAreBadInput() {
        assertThat(certs("--service", "s")).isEqualTo(2);
        assertThat(certs("--service", "s", "--namespace", "n", "--out", out.toString(), "--days", "-1")).isEqualTo(2);
    }

    private static int certs(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return CertsCommand.run(args, print, print);
    }

    public static List<String> sans(X509Certificate certificate) throws Exception {
        return certificate.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).toList();
    }
}
