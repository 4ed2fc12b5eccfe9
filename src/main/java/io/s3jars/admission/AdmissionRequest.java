package io.s3jars.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.decision.Bounded;
import java.io.IOException;
import java.util.List;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request that s3jars reads. The
 * object stays raw JSON: it is patched, never bound to a model.
 *
 * @param namespace   {@code request.namespace}; the object's own is empty for generateName pods
 * @param subResource {@code request.subResource}, empty for the object itself
 * @param object      null for DELETE
 */
public record AdmissionRequest(String uid, String namespace, String name, String operation, String subResource,
        boolean dryRun, String resource, ObjectNode object) {

    public static final String API_VERSION = "admission.k8s.io/v1";

    /** The operations an AdmissionReview can carry; anything else is not a review the API server sent. */
    private static final List<String> OPERATIONS = List.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    /**
     * Duplicate keys are refused: two readers of one document must not see two different pods.
     * Subtrees that no decision on {@code /mutate} reads are left out of the tree.
     */
    private static final ReviewReader MUTATE_READER = new ReviewReader(ReviewReader.NOT_READ);

    public boolean isCreate() {
        return "CREATE".equals(operation);
    }

    /** Parses {@code body} as {@code /mutate} does and checks it is a v1 review of {@code expectedResources}. */
    public static AdmissionRequest parse(byte[] body, String... expectedResources) throws BadReview {
        return parse(body, 0, body == null ? 0 : body.length, MUTATE_READER, expectedResources);
    }

    /**
     * Parses {@code length} bytes of {@code body} from {@code offset}: the HTTP layer's buffer, not
     * a copy of it, with the reader of the endpoint (which decides what is left out of the tree).
     */
    static AdmissionRequest parse(byte[] body, int offset, int length, ReviewReader reader, String... expectedResources)
            throws BadReview {
        if (length == 0) {
            throw new BadReview("empty body: expected an AdmissionReview");
        }
        JsonNode review;
        try {
            review = reader.read(body, offset, length);
        } catch (JsonProcessingException e) {
            throw new BadReview("body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            throw new BadReview("body is not valid JSON: " + e.getMessage());
        }
        if (review == null || !review.isObject()) {
            throw new BadReview("body must be a JSON object (an AdmissionReview)");
        }
        requireText(review, "kind", "AdmissionReview");
        requireText(review, "apiVersion", API_VERSION);
        JsonNode request = review.get("request");
        if (request == null || !request.isObject()) {
            throw new BadReview("AdmissionReview has no request object");
        }
        String uid = text(request, "uid");
        if (uid == null || uid.isBlank()) {
            throw new BadReview("request.uid is missing or empty");
        }
        String resource = request.path("resource").path("resource").asText("");
        String group = request.path("resource").path("group").asText("");
        if (!group.isEmpty() || !List.of(expectedResources).contains(resource)) {
            throw new BadReview("this endpoint reviews " + String.join(" and ", expectedResources)
                    + ", not resource '" + (group.isEmpty() ? resource : group + "/" + resource) + "'");
        }
        String operation = text(request, "operation");
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw new BadReview("request.operation must be one of " + String.join(", ", OPERATIONS) + ", not "
                    + (operation == null ? "missing" : "'" + Bounded.text(operation) + "'"));
        }
        JsonNode object = request.get("object");
        if ((object == null || object.isNull()) && !"DELETE".equals(operation) && !"CONNECT".equals(operation)) {
            throw new BadReview("request.object is missing for a " + operation);
        }
        if (object != null && !object.isNull() && !object.isObject()) {
            throw new BadReview("request.object must be a JSON object");
        }
        String namespace = optionalText(request, "namespace");
        String subResource = optionalText(request, "subResource");
        return new AdmissionRequest(uid, namespace, optionalText(request, "name"), operation, subResource,
                request.path("dryRun").asBoolean(false), resource,
                object == null || object.isNull() ? null : (ObjectNode) object);
    }

    private static void requireText(JsonNode node, String field, String expected) throws BadReview {
        String value = text(node, field);
        if (!expected.equals(value)) {
            throw new BadReview(field + " must be " + expected + ", got " + (value == null ? "nothing" : "'" + value + "'"));
        }
    }

    /** Absent or null is empty; present, it must be a string, or the review is not one the API server sent. */
    private static String optionalText(JsonNode node, String field) throws BadReview {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new BadReview("request." + field + " must be a string");
        }
        return value.asText();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
