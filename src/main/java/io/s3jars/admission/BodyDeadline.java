package io.s3jars.admission;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * From a request's headers to its answer on an admission path: the API server waits at most 30 s
 * for a webhook (the chart sets 5), so a body still arriving after this comes from no API server.
 * The connection is closed, so a client trickling a body holds nothing for long. A Vert.x route
 * in front of Quarkus REST, because a resource method only runs once the whole body is in.
 */
@ApplicationScoped
class BodyDeadline {

    static final long BODY_DEADLINE_MILLIS = 10_000;
    static final String[] ADMISSION_PATHS = {"/mutate", "/validate"};

    private final AdmissionLog log;

    BodyDeadline(AdmissionLog log) {
        this.log = log;
    }

    void register(@Observes Router router) {
        for (String path : ADMISSION_PATHS) {
            // Before every route Quarkus adds, including Quarkus REST's.
            router.route(path).order(Integer.MIN_VALUE).handler(context -> start(path, context));
        }
    }

    private void start(String path, RoutingContext context) {
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
