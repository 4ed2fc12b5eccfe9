package io.s3jars.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.s3jars.tls.LocalTls;
import io.s3jars.tls.ServingCertificateFiles;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point. {@code inject} runs the engine offline without starting Quarkus (no port opens);
 * with no command the webhook server starts.
 */
@QuarkusMain
public final class S3JarsMain {

    private static final String PKCS12_KEY_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";
    private static final String COMMANDS = """
            Usage: s3jars [COMMAND] [OPTIONS]
              serve    run the webhook (the default); configured by S3JARS_* environment variables
              inject   show what s3jars does to the pods of a file, without a cluster (inject --help)
              certs    make a CA and a serving certificate for the webhook (certs --help)""";

    public static void main(String... args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "inject" -> System.exit(InjectCommand.run(rest, System.in, System.out, System.err));
            case "certs" -> System.exit(CertsCommand.run(rest, System.out, System.err));
            case "serve" -> serve(rest);
            case "help", "--help", "-h" -> {
                System.out.println(COMMANDS);
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
        String cert = setting("S3JARS_TLS_CERT", "s3jars.tls.cert");
        String key = setting("S3JARS_TLS_KEY", "s3jars.tls.key");
        if (cert != null) {
            if (key == null) {
                fail("S3JARS_TLS_CERT is set but S3JARS_TLS_KEY is not");
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

    private static void fail(String message) {
        System.err.println("s3jars: cannot start: " + message);
        System.exit(ExitCodes.BAD_INPUT);
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
