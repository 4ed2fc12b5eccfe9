package io.s3jars.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.s3jars.tls.LocalTls;
import java.nio.file.Path;
import java.util.Map;

/** Gives @QuarkusTest runs the same kind of throwaway localhost certificate a local start generates. */
public class LocalTlsTestResource implements QuarkusTestResourceLifecycleManager {

    public static Path dir;

    @Override
    public Map<String, String> start() {
        dir = LocalTls.generate();
        return Map.of("s3jars.tls.cert", dir.resolve("tls.crt").toString(),
                "s3jars.tls.key", dir.resolve("tls.key").toString());
    }

    @Override
    public void stop() {
    }
}
