package io.s3jars.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.tls.LocalTls;
import io.s3jars.tls.ServingCertificateFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point. {@code inject} runs the engine offline and {@code node-agent} runs the node agent,
 * both without starting Quarkus; with no command the webhook server starts.
 */
@QuarkusMain
public final class S3JarsMain {

    private static final String PKCS12_KEY_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";
    private static final String COMMANDS = """
            Usage: s3jars [COMMAND] [OPTIONS]
              serve    run the webhook (the default); configured by S3JARS_* environment variables
              inject   show what s3jars does to the pods of a file, without a cluster (inject --help)
              certs    make a CA and a serving certificate for the webhook (certs --help)
              node-agent  mount the policy's buckets on this node and label it (node-agent --help)
              version  print the version (also --version on every command)""";

    public static void main(String... args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        if (command.equals("serve") && rest.length > 0) {
            // serve takes no options of its own (S3JARS_* variables configure it): only these two.
            command = List.of("--version", "-V").contains(rest[0]) ? "version"
                    : List.of("--help", "-h").contains(rest[0]) ? "help" : command;
        }
        switch (command) {
            case "inject" -> System.exit(InjectCommand.run(rest, System.in, System.out, System.err));
            case "certs" -> System.exit(CertsCommand.run(rest, System.out, System.err));
            case "node-agent" -> System.exit(NodeAgentCommand.run(rest, System.out, System.err));
            case "serve" -> serve(rest);
            case "help", "--help", "-h" -> {
                System.out.println(COMMANDS);
                System.exit(ExitCodes.OK);
            }
            case "version", "--version", "-V" -> {
                System.out.println(Version.line());
                System.exit(ExitCodes.OK);
            }
            default -> {
                System.err.println("unknown command " + command + "\n" + COMMANDS);
                System.exit(ExitCodes.BAD_INPUT);
            }
        }
    }

    /**
     * Given certificate files are checked first, so a wrong pair stops the start with a plain
     * message. Without them (a local run, or self-managed certificates before the Secret is read),
     * a throwaway CA and localhost certificate keep the port HTTPS-only.
     */
    private static void serve(String[] args) {
        keepInMemoryKeyStoresCheap();
        checkPolicyFile();
        checkPortFree("QUARKUS_HTTP_SSL_PORT", "quarkus.http.ssl-port", 8443);
        checkPortFree("QUARKUS_MANAGEMENT_PORT", "quarkus.management.port", 9000);
        String cert = setting("S3JARS_TLS_CERT", "s3jars.tls.cert");
        String key = setting("S3JARS_TLS_KEY", "s3jars.tls.key");
        if (cert == null && key != null) {
            fail("S3JARS_TLS_KEY is set but S3JARS_TLS_CERT is not: set both, or neither for a local certificate");
        }
        if (cert != null) {
            if (key == null) {
                fail("S3JARS_TLS_CERT is set but S3JARS_TLS_KEY is not: set both, or neither for a local certificate");
            }
            ServingCertificateFiles.problem(Path.of(cert), Path.of(key)).ifPresent(p -> fail("TLS: " + p));
        } else {
            Path dir = LocalTls.generate();
            System.setProperty("s3jars.tls.cert", dir.resolve("tls.crt").toString());
            System.setProperty("s3jars.tls.key", dir.resolve("tls.key").toString());
            System.err.println("s3jars: no S3JARS_TLS_CERT given; serving a localhost certificate of a new local CA:"
                    + " export CA=" + dir.resolve("ca.crt"));
        }
        Quarkus.run(args);
    }

    /**
     * Vert.x turns the PEM key into an in-memory PKCS#12 key store under a throwaway password and
     * reads it back, several times per start. The JDK's default 10,000 PBKDF2 rounds protect
     * nothing there (store and password never leave the process) and were a visible share of the
     * start (docs/performance.md). s3jars writes no PKCS#12 file. A value given with -D wins.
     */
    private static void keepInMemoryKeyStoresCheap() {
        if (System.getProperty(PKCS12_KEY_ROUNDS) == null) {
            System.setProperty(PKCS12_KEY_ROUNDS, "1");
        }
    }

    /**
     * A local run's policy file, read and checked before the server starts, so a mistake stops the
     * start with every error on its own line rather than a stack trace.
     */
    private static void checkPolicyFile() {
        String file = setting("S3JARS_POLICY_FILE", "s3jars.policy-file");
        if (file == null) {
            return;
        }
        String yaml;
        try {
            yaml = Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            fail("the policy file " + file + " (S3JARS_POLICY_FILE) does not exist");
            return;
        } catch (IOException e) {
            fail("cannot read the policy file " + file + " (S3JARS_POLICY_FILE): " + e.getMessage());
            return;
        }
        if (PolicyParser.parse(yaml) instanceof PolicyResult.Invalid invalid) {
            fail("the policy file " + file + " is invalid; fix it and start again:\n  "
                    + String.join("\n  ", invalid.errors()));
        }
    }

    /** A port another process holds stops the start with the setting that moves it. */
    private static void checkPortFree(String env, String property, int defaultPort) {
        String configured = setting(env, property);
        int port;
        try {
            port = configured == null ? defaultPort : Integer.parseInt(configured.strip());
        } catch (NumberFormatException e) {
            fail(env + " must be a port number, not '" + configured + "'");
            return;
        }
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            fail("port " + port + " is in use; stop what holds it, or set " + env + " to another port");
        }
    }

    private static void fail(String message) {
        System.err.println("s3jars: cannot start: " + message);
        System.exit(ExitCodes.BAD_INPUT);
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
