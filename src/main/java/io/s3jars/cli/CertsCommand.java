package io.s3jars.cli;

import io.s3jars.tls.CertificateAuthority;
import io.s3jars.tls.KeyAlgorithm;
import io.s3jars.tls.ServingCertificate;
import io.s3jars.tls.WebhookCertificates;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.util.IPAddress;

/**
 * {@code certs}: a CA and a serving certificate for {@code <service>.<namespace>.svc}, written as
 * PEM files, a {@code kubernetes.io/tls} Secret manifest and the base64 caBundle; optionally
 * patched into the webhook configurations of a manifests folder.
 */
public final class CertsCommand {

    private static final String USAGE = "usage: certs --service NAME --namespace NS --out DIR [--dns NAME]... [--ip ADDR]..."
            + " [--rsa] [--ca-days N] [--days N] [--secret NAME] [--webhook-config DIR]";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private CertsCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return ExitCodes.BAD_INPUT;
        }
        CertificateAuthority ca = CertificateAuthority.create("s3jars CA", Duration.ofDays(o.caDays), o.algorithm);
        ServingCertificate serving = WebhookCertificates.issue(ca, o.service, o.namespace, o.dns, o.ips,
                Duration.ofDays(o.days));
        String caBundle = Base64.getEncoder().encodeToString(serving.caPem().getBytes(StandardCharsets.US_ASCII));
        try {
            serving.writeTo(o.out);
            Files.writeString(o.out.resolve("cabundle.b64"), caBundle + "\n");
            writeOwnerOnly(o.out.resolve("secret.yaml"), secret(o, serving));
            if (o.webhookConfig != null) {
                writeOwnerOnly(o.webhookConfig.resolve("tls-secret.yaml"), secret(o, serving));
                int patched = patchCaBundles(o.webhookConfig, caBundle);
                out.println("wrote " + o.webhookConfig.resolve("tls-secret.yaml") + " and patched caBundle in " + patched
                        + " file(s) under " + o.webhookConfig);
            }
        } catch (IOException e) {
            err.println("cannot write to " + o.out + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        out.println("wrote ca.crt, tls.crt, tls.key, secret.yaml, cabundle.b64 to " + o.out);
        out.println("serving certificate for " + String.join(", ", WebhookCertificates.dnsNames(o.service, o.namespace, o.dns))
                + (o.ips.isEmpty() ? "" : ", " + String.join(", ", o.ips)) + ", valid " + o.days + " days");
        return 0;
    }

    private static String secret(Options o, ServingCertificate serving) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + o.secret + "\n  namespace: " + o.namespace + "\n"
                + "type: kubernetes.io/tls\ndata:\n"
                + "  tls.crt: " + b64.encodeToString(serving.certificatePem().getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "  tls.key: " + b64.encodeToString(serving.keyPem().getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "  ca.crt: " + b64.encodeToString(serving.caPem().getBytes(StandardCharsets.US_ASCII)) + "\n";
    }

    /**
     * The Secret manifests hold the private key, so like tls.key they are readable by the owner
     * only. The mode is set before the key is written, also when the file exists (the
     * placeholder tls-secret.yaml). Filesystems without POSIX modes keep their own ACLs.
     */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        }
        Files.writeString(file, text);
    }

    /** Replaces every {@code caBundle:} value in the YAML files of {@code dir}. */
    static int patchCaBundles(Path dir, String caBundle) throws IOException {
        int patched = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            for (Path file : files) {
                String text = Files.readString(file);
                String updated = text.replaceAll("(?m)^(\\s*caBundle:).*$", "$1 " + caBundle);
                if (!updated.equals(text)) {
                    Files.writeString(file, updated);
                    patched++;
                }
            }
        }
        return patched;
    }

    private static final class Options {
        String service;
        String namespace;
        Path out;
        String secret = "s3jars-tls";
        Path webhookConfig;
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        KeyAlgorithm algorithm = KeyAlgorithm.ECDSA_P256;
        long caDays = 3650;
        long days = 90;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--service" -> o.service = value(args, ++i);
                    case "--namespace", "-n" -> o.namespace = value(args, ++i);
                    case "--out" -> o.out = Path.of(value(args, ++i));
                    case "--dns" -> o.dns.add(value(args, ++i));
                    case "--ip" -> o.ips.add(ip(value(args, ++i)));
                    case "--secret" -> o.secret = value(args, ++i);
                    case "--webhook-config" -> o.webhookConfig = Path.of(value(args, ++i));
                    case "--rsa" -> o.algorithm = KeyAlgorithm.RSA_2048;
                    case "--ca-days" -> o.caDays = days(value(args, ++i));
                    case "--days" -> o.days = days(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (o.service == null || o.namespace == null || o.out == null) {
                throw new IllegalArgumentException("--service, --namespace and --out are required");
            }
            return o;
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        /** A literal IPv4 or IPv6 address; names and CIDR ranges are not SANs of type IP. */
        private static String ip(String text) {
            if (!IPAddress.isValid(text)) {
                throw new IllegalArgumentException("--ip needs an IPv4 or IPv6 address such as 10.0.0.7 or fd00::7, not '"
                        + text + "' (use --dns for names)");
            }
            return text;
        }

        private static long days(String text) {
            try {
                long days = Long.parseLong(text);
                if (days < 1) {
                    throw new NumberFormatException();
                }
                return days;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("days must be a positive number, not " + text);
            }
        }
    }
}
