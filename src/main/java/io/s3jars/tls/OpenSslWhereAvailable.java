package io.s3jars.tls;

import io.netty.handler.ssl.OpenSsl;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Serves the webhook port with BoringSSL (netty-tcnative) where its native library loads (Linux
 * x86_64 and aarch64), and with the JDK's TLS elsewhere. Every admission request pays for TLS; the
 * JDK's engine costs several times more CPU and allocation per request. Protocols, cipher suites
 * and certificate reloads come from the same TLS configuration either way.
 */
@ApplicationScoped
public class OpenSslWhereAvailable implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(OpenSslWhereAvailable.class);

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        if (OpenSsl.isAvailable()) {
            options.setSslEngineOptions(new OpenSSLEngineOptions().setSessionCacheEnabled(true));
            LOG.infof("webhook TLS: %s through netty-tcnative", OpenSsl.versionString());
        } else {
            LOG.infof("webhook TLS: the JDK's (BoringSSL unavailable: %s)", OpenSsl.unavailabilityCause());
        }
    }
}
