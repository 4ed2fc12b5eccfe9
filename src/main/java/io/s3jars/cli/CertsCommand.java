package io.s3jars.cli;

import io.s3jars.tls.CertificateAuthority;
import io.s3jars.tls.KeyAlgorithm;
import io.s3jars.tls.ServingCertificate;
import io.s3jars.tls.WebhookCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.util.IPAddress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certs}: a CA and a serving certificate for {@code <service>.<namespace>.svc}, written as
 * PEM files, a {@code kubernetes.io/tls} Secret manifest and the base64 caBundle; optionally,
 * copies of a manifests folder with the caBundle filled in and the Secret beside them, written
 * under the output folder: the manifests themselves are never edited, so a private key never
 * lands in a folder under version control.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = "Make a CA and a serving certificate for the webhook, for manifests without cert-manager.",
        footer = "Exit status: 0 written, 2 bad input or an unwritable folder.")
public final class CertsCommand implements Callable<Integer> {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final String MANIFESTS = "webhook-config";

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The webhook's Service.")
    String service;

    @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NS", description = "The webhook's namespace.")
    String namespace;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where to write ca.crt, tls.crt, tls.key, secret.yaml and cabundle.b64.")
    Path out;

    @Option(names = "--dns", paramLabel = "NAME", description = "Another DNS name of the certificate (repeatable).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", converter = IpAddress.class,
            description = "An IP address of the certificate (repeatable).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--rsa", description = "RSA 2048 keys instead of ECDSA P-256.")
    boolean rsa;

    @Option(names = "--ca-days", paramLabel = "N", converter = PositiveDays.class, description = "CA lifetime (3650).")
    long caDays = 3650;

    @Option(names = "--days", paramLabel = "N", converter = PositiveDays.class,
            description = "Serving certificate lifetime (90).")
    long days = 90;

    @Option(names = "--secret", paramLabel = "NAME", description = "The Secret's name (s3jars-tls).")
    String secret = "s3jars-tls";

    @Option(names = "--webhook-config", paramLabel = "DIR", description = "Manifests to copy to OUT/webhook-config with"
            + " the caBundle filled in and tls-secret.yaml beside them; DIR itself is left as it is.")
    Path webhookConfig;

    private final PrintStream stdout;

    private CertsCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Commands.execute(new CertsCommand(out), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        if (webhookConfig != null && !Files.isDirectory(webhookConfig)) {
            throw new IOException("--webhook-config " + webhookConfig + " is not a folder of manifests");
        }
        KeyAlgorithm algorithm = rsa ? KeyAlgorithm.RSA_2048 : KeyAlgorithm.ECDSA_P256;
        CertificateAuthority ca = CertificateAuthority.create("s3jars CA", Duration.ofDays(caDays), algorithm);
        ServingCertificate serving = WebhookCertificates.issue(ca, service, namespace, dns, ips, Duration.ofDays(days));
        String caBundle = Base64.getEncoder().encodeToString(serving.caPem().getBytes(StandardCharsets.US_ASCII));
        try {
            serving.writeTo(out);
            Files.writeString(out.resolve("cabundle.b64"), caBundle + "\n");
            writeOwnerOnly(out.resolve("secret.yaml"), secret(serving));
            if (webhookConfig != null) {
                Path copies = Files.createDirectories(out.resolve(MANIFESTS));
                int patched = copyWithCaBundle(webhookConfig, copies, caBundle);
                writeOwnerOnly(copies.resolve("tls-secret.yaml"), secret(serving));
                stdout.println("wrote " + patched + " manifest(s) from " + webhookConfig + " with the caBundle filled in,"
                        + " and tls-secret.yaml, to " + copies + "; apply them from there");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IOException("cannot write to " + out + ": " + reason(e));
        }
        stdout.println("wrote ca.crt, tls.crt, tls.key, secret.yaml, cabundle.b64 to " + out);
        stdout.println("serving certificate for " + String.join(", ", WebhookCertificates.dnsNames(service, namespace, dns))
                + (ips.isEmpty() ? "" : ", " + String.join(", ", ips)) + ", valid " + days + " days");
        return ExitCodes.OK;
    }

    /** The operating system's reason, without the exception's class: "permission denied", "no such file". */
    private static String reason(Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof NoSuchFileException) {
            return "no such folder";
        }
        return cause.getMessage();
    }

    private String secret(ServingCertificate serving) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + secret + "\n  namespace: " + namespace + "\n"
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

    /** Copies the YAML files of {@code from} into {@code to}, every {@code caBundle:} value replaced. */
    static int copyWithCaBundle(Path from, Path to, String caBundle) throws IOException {
        int copied = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, "*.{yaml,yml}")) {
            for (Path file : files) {
                if (file.getFileName().toString().equals("tls-secret.yaml")) {
                    continue; // written fresh, with the key, by the caller
                }
                String text = Files.readString(file);
                Files.writeString(to.resolve(file.getFileName()),
                        text.replaceAll("(?m)^(\\s*caBundle:).*$", "$1 " + caBundle));
                copied++;
            }
        }
        return copied;
    }

    /** A literal IPv4 or IPv6 address; names and CIDR ranges are not SANs of type IP. */
    static final class IpAddress implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!IPAddress.isValid(text)) {
                throw new CommandLine.TypeConversionException("--ip needs an IPv4 or IPv6 address such as 10.0.0.7 or"
                        + " fd00::7, not '" + text + "' (use --dns for names)");
            }
            return text;
        }
    }

    static final class PositiveDays implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                long days = Long.parseLong(text);
                if (days >= 1) {
                    return days;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("days must be a positive number, not " + text);
        }
    }
}
