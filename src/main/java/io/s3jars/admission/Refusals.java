package io.s3jars.admission;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The answers that are not an AdmissionReview, as plain text that says why: a request to an
 * admission endpoint that is not JSON (415, refused by Quarkus REST before the body is read; logged
 * and counted like any other bad request), and the {@link Refusal}s of {@link AdmissionExchange}.
 */
class Refusals {

    static final MediaType TEXT = MediaType.TEXT_PLAIN_TYPE.withCharset(StandardCharsets.UTF_8.name());

    /**
     * An answer other than 200: a bad review (400) or a bug (500). Thrown, not returned, so that the
     * endpoints return the review's bytes and Quarkus REST picks their writer once, at build time.
     * No stack trace: a client may cause one per request.
     */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final AdmissionLog log;

    Refusals(AdmissionLog log) {
        this.log = log;
    }

    @ServerExceptionMapper
    Response refuse(Refusal refusal) {
        return text(refusal.status, refusal.getMessage());
    }

    @ServerExceptionMapper
    Response refuse(NotSupportedException refused, HttpHeaders headers, UriInfo uri) {
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        log.badRequest("/" + uri.getPath().replaceFirst("^/", ""), "Content-Type " + contentType + " is not "
                + MediaType.APPLICATION_JSON);
        return text(415, "expected Content-Type " + MediaType.APPLICATION_JSON + ", got " + contentType);
    }

    private static Response text(int status, String message) {
        return Response.status(status).type(TEXT).entity(message.getBytes(StandardCharsets.UTF_8)).build();
    }
}
