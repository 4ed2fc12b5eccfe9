package io.s3jars.nodeagent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Health and metrics of the agent, on the paths the webhook uses ({@code /q/health/live},
 * {@code /q/health/ready}, {@code /q/metrics}), plain HTTP for the kubelet and Prometheus. The
 * JDK's own HTTP server: the agent must stay small, and starting Quarkus' HTTP stack for three
 * answers would cost more memory than the rest of the agent.
 */
final class AgentHttp implements AutoCloseable {

    static final long REQUEST_SECONDS = 5;

    private final HttpServer server;

    /**
     * @param alive    whether the loop ran recently
     * @param notReady why the agent is not ready, empty when it is
     */
    AgentHttp(int port, Supplier<Boolean> alive, Supplier<Optional<String>> notReady, Supplier<String> metrics)
            throws IOException {
        // Any pod may reach this port: a client that opens a connection and sends nothing must not
        // hold the thread that answers the kubelet's probes (a failed liveness probe would restart
        // the agent, and mount-s3 with it). The JDK server drops a request not read within this.
        System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", Long.toString(REQUEST_SECONDS));
        server = HttpServer.create(new InetSocketAddress(port), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "s3jars-node-agent-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/q/health/live", exchange -> health(exchange, alive.get() ? Optional.empty()
                : Optional.of("no round of the agent's loop recently")));
        server.createContext("/q/health/ready", exchange -> health(exchange, notReady.get()));
        server.createContext("/q/metrics", exchange -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.get()));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, Optional<String> problem) throws IOException {
        String body = problem.map(p -> "{\"status\":\"DOWN\",\"reason\":\"" + escape(p) + "\"}")
                .orElse("{\"status\":\"UP\"}");
        send(exchange, problem.isPresent() ? 503 : 200, "application/json", body);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * How long without a round the loop counts as stuck: ten rounds, and never under five minutes.
     * A restart stops every mount-s3 of the node, so only a loop that is truly stuck may cause one;
     * taking down a hung mount alone can hold a round for about a minute.
     */
    static Duration liveness(Duration interval) {
        Duration ten = interval.multipliedBy(10);
        return ten.compareTo(Duration.ofMinutes(5)) < 0 ? Duration.ofMinutes(5) : ten;
    }
}
