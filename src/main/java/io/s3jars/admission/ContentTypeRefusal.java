package io.s3jars.admission;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A request to an admission endpoint that is not JSON gets a 415 that says what was expected, and
 * is logged and counted like any other bad request. Quarkus REST refuses it before the body is read.
 */
class ContentTypeRefusal {

    private final AdmissionLog log;

    ContentTypeRefusal(AdmissionLog log) {
        this.log = log;
    }

    @ServerExceptionMapper
    Response refuse(NotSupportedException refused, HttpHeaders headers, UriInfo uri) {
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        log.badRequest("/" + uri.getPath().replaceFirst("^/", ""), "Content-Type " + contentType + " is not "
                + MediaType.APPLICATION_JSON);
        return AdmissionExchange.text(415, "expected Content-Type " + MediaType.APPLICATION_JSON + ", got " + contentType);
    }
}
