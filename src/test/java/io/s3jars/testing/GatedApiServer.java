package io.s3jars.testing;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's mock API server in CRUD mode, with gates: while a path prefix is closed, every
 * request under it is answered 403 Forbidden, as an API server does before the webhook's RBAC
 * is in place. The mock answers on its event loop, so a gate refuses rather than blocks.
 */
public final class GatedApiServer implements AutoCloseable {

    private final Set<String> closed = ConcurrentHashMap.newKeySet();
    private final KubernetesMockServer server;

    public GatedApiServer() {
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
        Dispatcher gated = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                if (closed.stream().anyMatch(path::startsWith)) {
                    return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json")
                            .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                                    + "\"code\":403,\"message\":\"gated by the test: " + path + "\"}");
                }
                return crud.dispatch(request);
            }

            @Override
            public void shutdown() {
                crud.shutdown();
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), gated, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    /** Refuses every request whose path (with query) starts with {@code pathPrefix}. */
    public GatedApiServer closeGate(String pathPrefix) {
        closed.add(pathPrefix);
        return this;
    }

    public void openGate(String pathPrefix) {
        closed.remove(pathPrefix);
    }

    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    /** A client for the test's own reads and writes. */
    public NamespacedKubernetesClient createClient() {
        return server.createClient();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
