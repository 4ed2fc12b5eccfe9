package io.s3jars.admission;

import io.s3jars.mutation.Decision;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Function;

/** What every admission endpoint does around its decision: parse or 400, log, answer. */
final class AdmissionShell {

    private AdmissionShell() {
    }

    static Response handle(byte[] body, String endpoint, AdmissionLog log, Function<AdmissionRequest, Decision> decide,
            String... resources) {
        long start = System.nanoTime();
        AdmissionRequest request;
        try {
            request = AdmissionRequest.parse(body, resources);
        } catch (BadReview bad) {
            log.badRequest(endpoint, bad.getMessage());
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(bad.getMessage())
                    .build();
        }
        Decision decision = decide.apply(request);
        log.decided(endpoint, request, decision, System.nanoTime() - start);
        return Response.ok(AdmissionResponse.of(request.uid(), decision), MediaType.APPLICATION_JSON).build();
    }
}
