package io.s3jars.admission;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;

/**
 * What an admission path requires before Quarkus REST reads a body. A Content-Type: Quarkus REST
 * takes a request without one as JSON, where the API server always sends {@code application/json}.
 * And an answer within a deadline from the request's headers: the API server waits at most 30 s
 * for a webhook (the chart sets 5), so a body still arriving after this comes from no API server;
 * the connection is closed, so a client trickling a body holds nothing for long ({@link HeaderDeadline}
 * does the same for headers). A Vert.x route in front of Quarkus REST, because a resource method
 * only runs once the whole body is in.
 */
@ApplicationScoped
class AdmissionGate {

    static final long BODY_DEADLINE_MILLIS = 10_000;
    static final String[] ADMISSION_PATHS = {"/mutate", "/validate"};
    static final String RATIONED_PATH = "/mutate";
    private static final long CLOSE_AFTER_MILLIS = 1_000;

    private final AdmissionLog log;
    private final LargeReviews large;
    private final HeaderDeadline headerDeadline;

    AdmissionGate(AdmissionLog log, LargeReviews large, HeaderDeadline headerDeadline) {
        this.log = log;
        this.large = large;
        this.headerDeadline = headerDeadline;
    }

    void register(@Observes Router router) {
        for (String path : ADMISSION_PATHS) {
            // Before every route Quarkus adds, including Quarkus REST's.
            router.post(path).order(Integer.MIN_VALUE).handler(context -> start(path, context));
        }
    }

    /**
     * Answers before the body is read. With {@code close} the body is left unread and the connection
     * closed a second later, not at once: closing a socket with unread bytes resets it, and a reset
     * can reach the client before the answer it has not read yet.
     */
    private void refuse(String path, RoutingContext context, int status, String logged, String answer, boolean close) {
        log.badRequest(path, logged);
        var response = context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Refusals.TEXT.toString());
        if (close) {
            // Quarkus resumes a request when a route's handler starts; paused again, the body stays
            // in the socket instead of being read, decrypted and thrown away until the close.
            context.request().pause();
            response.putHeader(HttpHeaders.CONNECTION, "close").end(answer)
                    .onComplete(done -> context.vertx().setTimer(CLOSE_AFTER_MILLIS,
                            id -> context.request().connection().close()));
        } else {
            response.end(answer);
        }
    }

    private static long contentLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void start(String path, RoutingContext context) {
        var connection = context.request().connection();
        headerDeadline.requestStarted(connection);
        context.addEndHandler(done -> headerDeadline.requestEnded(connection));
        if (context.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
            refuse(path, context, 415, "no Content-Type", "expected Content-Type " + MediaType.APPLICATION_JSON
                    + ", got none", false);
            return;
        }
        long length = contentLength(context);
        if (length < 0) {
            // The API server always sends Content-Length; a length-less body could only dodge the ration.
            refuse(path, context, 411, "no Content-Length", "Content-Length is required", true);
            return;
        }
        // /mutate only: a refused mutation leaves a pod without s3jars' mounts, never with more
        // access; the guard on /validate must judge every pod, whatever its size.
        if (RATIONED_PATH.equals(path) && !large.admit(length)) {
            refuse(path, context, 503, large.refusal() + "; refused unread", large.refusal(), true);
            return;
        }
        long timer = context.vertx().setTimer(BODY_DEADLINE_MILLIS, id -> {
            if (!context.response().ended()) {
                log.badRequest(path, "no complete request within " + BODY_DEADLINE_MILLIS + " ms; connection closed");
                context.request().connection().close();
            }
        });
        context.addEndHandler(done -> context.vertx().cancelTimer(timer));
        context.next();
    }
}
