package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.s3jars.testing.LocalTlsTestResource;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a client can negotiate, checked with OpenSSL so the client really offers the old protocol
 * or the weak cipher (a JDK client would refuse to offer them itself).
 */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
class TlsSurfaceTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Test
    void oldProtocolsAndWeakCiphersAreRefused() throws Exception {
        assumeTrue(openssl("version").contains("OpenSSL"), "the openssl command is needed for this test");
        String target = "localhost:" + mutate.getPort();
        // Refused means no session and no certificate sent. The alert that names the reason is
        // not asserted: the server can close the socket before its alert is flushed (seen once
        // in CI as "unexpected eof" after a TLS 1.1 hello), which refuses just the same.
        for (String protocol : List.of("-tls1", "-tls1_1")) {
            assertRefused(protocol, openssl("s_client", "-connect", target, protocol, "-cipher", "DEFAULT:@SECLEVEL=0"),
                    "alert protocol version");
        }
        for (String cipher : List.of("ECDHE-ECDSA-AES128-SHA", "AES128-SHA", "ECDHE-ECDSA-AES256-SHA384")) {
            assertRefused(cipher, openssl("s_client", "-connect", target, "-tls1_2", "-cipher", cipher),
                    "handshake failure");
        }
        assertThat(openssl("s_client", "-connect", target, "-tls1_2")).contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(openssl("s_client", "-connect", target, "-tls1_3")).contains("TLSv1.3");
        assertThat(openssl("s_client", "-connect", target, "-alpn", "h2")).contains("No ALPN negotiated");
    }

    private static void assertRefused(String offer, String output, String alert) {
        assertThat(output).as(offer).contains("Cipher is (NONE)").contains("no peer certificate available");
        assertThat(output.contains(alert) || output.contains("unexpected eof"))
                .as(offer + ": the server answers with the alert or closes the connection\n" + output)
                .isTrue();
    }

    private static String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return "";
        }
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
