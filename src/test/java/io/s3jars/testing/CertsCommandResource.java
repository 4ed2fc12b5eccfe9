package io.s3jars.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.s3jars.cli.CertsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs the {@code certs} command, as an operator would, into the folder given as {@code out}
 * before the application starts; the test profile points the server at its files.
 */
public class CertsCommandResource implements QuarkusTestResourceLifecycleManager {

    private String out;

    @Override
    public void init(Map<String, String> initArgs) {
        out = initArgs.get("out");
    }

    @Override
    public Map<String, String> start() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        int code = CertsCommand.run(new String[] {"--service", "s3jars", "--namespace", "ns", "--dns", "localhost",
            "--ip", "127.0.0.1", "--out", out}, print, print);
        if (code != 0) {
            throw new IllegalStateException("certs failed (" + code + "): " + output.toString(StandardCharsets.UTF_8));
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
