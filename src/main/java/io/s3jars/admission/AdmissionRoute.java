package io.s3jars.admission;

import io.netty.buffer.ByteBuf;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.s3jars.decision.Decision;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * What every admission endpoint does around its decision: read the body, parse the review or
 * answer 400, decide, log, answer. The endpoints are plain Vert.x routes answered on the event
 * loop: a decision is pure CPU over in-memory state, and a REST framework's per-request machinery
 * was a measurable share of each admission (figures in docs/performance.md).
 */
final class AdmissionRoute {

    private static final String JSON = "application/json";
    /**
     * From the request's headers to its answer: the API server waits at most 30 s for a webhook
     * (the chart sets 5), so a body still arriving after this comes from no API server. The
     * connection is closed, so a client trickling a body holds nothing for long.
     */
    static final long BODY_DEADLINE_MILLIS = 10_000;
    private static final String TEXT = "text/plain; charset=utf-8";

    private final String path;
    private final AdmissionLog log;
    private final ReviewReader reader;
    private final Function<AdmissionRequest, Decision> decide;
    private final String[] resources;

    private AdmissionRoute(String path, AdmissionLog log, ReviewReader reader, Function<AdmissionRequest, Decision> decide,
            String[] resources) {
        this.path = path;
        this.log = log;
        this.reader = reader;
        this.decide = decide;
        this.resources = resources;
    }

    /**
     * {@code POST path} with a JSON body of at most {@code maxBodyBytes} (bigger: 413; another
     * content type: 415; another method: 404, no route) reviewing the given resources.
     */
    static void register(Router router, String path, long maxBodyBytes, AdmissionLog log, ReviewReader reader,
            Function<AdmissionRequest, Decision> decide, String... resources) {
        AdmissionRoute route = new AdmissionRoute(path, log, reader, decide, resources);
        // The content type is checked first, on a route of its own: the body handler would otherwise
        // try to decode a form before anything could refuse it.
        router.post(path).handler(route::deadline);
        router.post(path).handler(route::requireJson);
        // The body buffer grows as bytes arrive, never sized from Content-Length: a client that
        // announces 3 MiB and sends nothing must not hold 3 MiB.
        router.post(path)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .handler(route::answer);
    }

    /**
     * The HTTP server's own body limit ({@code quarkus.http.limits.max-body-size}), which the body
     * handler must repeat: a route reads the body itself, past the server's check.
     */
    static long maxBodyBytes(VertxHttpConfig http) {
        return http.limits().maxBodySize().orElseThrow(() -> new IllegalStateException(
                "quarkus.http.limits.max-body-size must be set: the admission routes need a body limit")).asLongValue();
    }

    private void deadline(RoutingContext context) {
        long timer = context.vertx().setTimer(BODY_DEADLINE_MILLIS, id -> {
            if (!context.response().ended()) {
                log.badRequest(path, "no complete request within " + BODY_DEADLINE_MILLIS + " ms; connection closed");
                context.request().connection().close();
            }
        });
        context.addEndHandler(done -> context.vertx().cancelTimer(timer));
        context.next();
    }

    private void requireJson(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.split(";", 2)[0].strip().equalsIgnoreCase(JSON)) {
            context.next();
            return;
        }
        log.badRequest(path, "Content-Type " + contentType + " is not " + JSON);
        sendText(context, 415, "expected Content-Type " + JSON + ", got " + contentType);
    }

    private void answer(RoutingContext context) {
        Buffer body = context.body().buffer();
        ByteBuf bytes = body == null ? null : body.getByteBuf();
        if (bytes == null) {
            answer(context, new byte[0], 0, 0);
        } else if (bytes.hasArray()) {
            answer(context, bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        } else {
            byte[] copy = body.getBytes();
            answer(context, copy, 0, copy.length);
        }
    }

    private void answer(RoutingContext context, byte[] body, int offset, int length) {
        long start = System.nanoTime();
        AdmissionRequest request;
        try {
            request = AdmissionRequest.parse(body, offset, length, reader, resources);
        } catch (BadReview bad) {
            log.badRequest(path, bad.getMessage());
            sendText(context, 400, bad.getMessage());
            return;
        }
        Decision decision;
        try {
            decision = decide.apply(request);
        } catch (RuntimeException bug) {
            // A bug costs this one answer, never the server; the API server applies failurePolicy.
            log.failed(path, request, bug);
            sendText(context, 500, "s3jars could not review this request: " + bug);
            return;
        }
        log.decided(path, request, decision, System.nanoTime() - start);
        send(context, 200, JSON, AdmissionResponse.of(request.uid(), decision));
    }

    private static void sendText(RoutingContext context, int status, String message) {
        send(context, status, TEXT, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(RoutingContext context, int status, String contentType, byte[] body) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .end(Buffer.buffer(body));
    }
}
