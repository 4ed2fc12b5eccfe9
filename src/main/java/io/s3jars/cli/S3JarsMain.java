package io.s3jars.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.s3jars.tls.LocalTls;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point. {@code inject} runs the engine offline without starting Quarkus (no port opens);
 * with no command the webhook server starts.
 */
@QuarkusMain
public final class S3JarsMain {

    public static void main(String... args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "inject" -> System.exit(InjectCommand.run(rest, System.in, System.out, System.err));
            case "serve" -> serve(rest);
            default -> {
                System.err.println("unknown command " + command + "; commands: serve (default), inject");
                System.exit(InjectCommand.BAD_INPUT);
            }
        }
    }

    /** Without certificate files (a local run), a throwaway CA and localhost certificate keep the port HTTPS-only. */
    private static void serve(String[] args) {
        if (setting("S3JARS_TLS_CERT", "s3jars.tls.cert") == null) {
            Path dir = LocalTls.generate();
            System.setProperty("s3jars.tls.cert", dir.resolve("tls.crt").toString());
            System.setProperty("s3jars.tls.key", dir.resolve("tls.key").toString());
            System.err.println("s3jars: no S3JARS_TLS_CERT given; generated a local CA and localhost certificate in "
                    + dir + " (curl --cacert " + dir.resolve("ca.crt") + ")");
        }
        Quarkus.run(args);
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
