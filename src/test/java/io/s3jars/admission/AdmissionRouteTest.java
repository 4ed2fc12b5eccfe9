package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.s3jars.decision.Decision;
import io.s3jars.testing.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route around a decision, on plain Vert.x: a decision that throws costs one 500, never the server. */
class AdmissionRouteTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicBoolean broken = new AtomicBoolean(true);
    private final HttpClient client = HttpClient.newHttpClient();
    private Vertx vertx;
    private URI mutate;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        AdmissionRoute.register(router, "/mutate", 1024 * 1024, new AdmissionLog(new AdmissionMetrics(registry)),
                new ReviewReader(ReviewReader.NOT_READ),
                request -> {
                    if (broken.get()) {
                        throw new IllegalStateException("a bug in a step");
                    }
                    return new Decision.Skip("fine");
                }, "pods");
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        mutate = URI.create("http://localhost:" + server.actualPort() + "/mutate");
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDecisionThatThrowsGets500AndIsCountedAndTheNextRequestIsAnswered() throws Exception {
        String review = Fixtures.resource("/spark-pods/review-b-executor-1.json");

        HttpResponse<String> failed = post("application/json", review);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).contains("could not review", "a bug in a step");
        assertThat(registry.get("s3jars.admissions").tag("outcome", "error").counter().count()).isEqualTo(1);

        broken.set(false);
        HttpResponse<String> answered = post("application/json; charset=utf-8", review);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("\"allowed\":true");
    }

    @Test
    void otherContentTypesGet415BeforeTheBodyIsRead() throws Exception {
        HttpResponse<String> form = post("application/x-www-form-urlencoded", "a=b");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).contains("expected Content-Type application/json");
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(mutate).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
