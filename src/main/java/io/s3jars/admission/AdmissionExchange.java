package io.s3jars.admission;

import io.s3jars.admission.Refusals.Refusal;
import io.s3jars.decision.Decision;
import java.util.function.Function;

/**
 * What every admission endpoint does around its decision: parse the review or answer 400, decide,
 * log, answer. The HTTP framing around it (method, content type, body limit, deadline) belongs to
 * Quarkus REST and {@link AdmissionGate}; this class sees only the bytes of one body.
 */
final class AdmissionExchange {

    private final String path;
    private final AdmissionLog log;
    private final ReviewReader reader;
    private final Function<AdmissionRequest, Decision> decide;
    private final String[] resources;

    /** An exchange for {@code path}, reviewing the given resources with {@code decide}. */
    AdmissionExchange(String path, AdmissionLog log, ReviewReader reader, Function<AdmissionRequest, Decision> decide,
            String... resources) {
        this.path = path;
        this.log = log;
        this.reader = reader;
        this.decide = decide;
        this.resources = resources;
    }

    /**
     * The AdmissionReview answering one request body.
     *
     * @throws Refusal 400 for a bad review, 500 for a bug
     */
    byte[] answer(byte[] body) {
        long start = System.nanoTime();
        AdmissionRequest request;
        try {
            request = AdmissionRequest.parse(body, 0, body.length, reader, resources);
        } catch (BadReview bad) {
            log.badRequest(path, bad.getMessage());
            throw new Refusal(400, bad.getMessage());
        }
        Decision decision;
        try {
            decision = decide.apply(request);
        } catch (RuntimeException bug) {
            // A bug costs this one answer, never the server; the API server applies failurePolicy.
            log.failed(path, request, bug);
            throw new Refusal(500, "s3jars could not review this request: " + bug);
        }
        log.decided(path, request, decision, System.nanoTime() - start);
        return AdmissionResponse.of(request.uid(), decision);
    }
}
