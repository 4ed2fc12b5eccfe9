package io.s3jars.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request that s3jars reads. The
 * object stays raw JSON: it is patched, never bound to a model.
 *
 * @param namespace {@code request.namespace}; the object's own is empty for generateName pods
 * @param object    null for DELETE
 */
public record AdmissionRequest(String uid, String namespace, String name, String operation, boolean dryRun,
        String resource, ObjectNode object) {

    public static final String API_VERSION = "admission.k8s.io/v1";

    /**
     * Duplicate keys are refused: two readers of one document must not see two different pods.
     * Subtrees that no decision reads are left out of the tree.
     */
    private static final ReviewReader READER = new ReviewReader(ReviewReader.NOT_READ);

    public boolean isCreate() {
        return "CREATE".equals(operation);
    }

    /** Parses {@code body} and checks it is a v1 review of {@code expectedResources}. */
    public static AdmissionRequest parse(byte[] body, String... expectedResources) throws BadReview {
        return parse(body, 0, body == null ? 0 : body.length, expectedResources);
    }

    /** Parses {@code length} bytes of {@code body} from {@code offset}: the HTTP layer's buffer, not a copy of it. */
    public static AdmissionRequest parse(byte[] body, int offset, int length, String... expectedResources)
            throws BadReview {
        if (length == 0) {
            throw new BadReview("empty body: expected an AdmissionReview");
        }
        JsonNode review;
        try {
            review = READER.read(body, offset, length);
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
        if (!group.isEmpty() || !java.util.List.of(expectedResources).contains(resource)) {
            throw new BadReview("this endpoint reviews " + String.join(" and ", expectedResources)
                    + ", not resource '" + (group.isEmpty() ? resource : group + "/" + resource) + "'");
        }
        String operation = text(request, "operation");
        if (operation == null) {
            throw new BadReview("request.operation is missing");
        }
        JsonNode object = request.get("object");
        if ((object == null || object.isNull()) && !"DELETE".equals(operation) && !"CONNECT".equals(operation)) {
            throw new BadReview("request.object is missing for a " + operation);
        }
        if (object != null && !object.isNull() && !object.isObject()) {
            throw new BadReview("request.object must be a JSON object");
        }
        String namespace = text(request, "namespace");
        return new AdmissionRequest(uid, namespace == null ? "" : namespace, text(request, "name"), operation,
                request.path("dryRun").asBoolean(false), resource,
                object == null || object.isNull() ? null : (ObjectNode) object);
    }

    private static void requireText(JsonNode node, String field, String expected) throws BadReview {
        String value = text(node, field);
        if (!expected.equals(value)) {
            throw new BadReview(field + " must be " + expected + ", got " + (value == null ? "nothing" : "'" + value + "'"));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
