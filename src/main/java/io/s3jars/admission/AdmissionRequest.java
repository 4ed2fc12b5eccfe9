package io.s3jars.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.decision.Bounded;
import io.s3jars.mutation.PodContract;
import io.s3jars.mutation.PodLimits;
import io.s3jars.policy.Names;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request that s3jars reads. The
 * object stays raw JSON: it is patched, never bound to a model.
 *
 * @param namespace   {@code request.namespace}; the object's own is empty for generateName pods
 * @param subResource {@code request.subResource}, empty for the object itself
 * @param object      null for DELETE
 * @param oldObject   the object before an UPDATE, where the endpoint's reader keeps it; else null
 */
public record AdmissionRequest(String uid, String namespace, String name, String operation, String subResource,
        boolean dryRun, String resource, ObjectNode object, ObjectNode oldObject) {

    public static final String API_VERSION = "admission.k8s.io/v1";

    /** The operations an AdmissionReview can carry; anything else is not a review the API server sent. */
    private static final List<String> OPERATIONS = List.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    /**
     * Duplicate keys are refused: two readers of one document must not see two different pods.
     * Subtrees that no decision on {@code /mutate} reads are left out of the tree.
     */
    private static final ReviewReader MUTATE_READER = ReviewReader.forMutate(PodLimits.DEFAULT);

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
        if (resource.equals("pods") && object != null && object.isObject()) {
            Optional<String> problem = podShapeProblem(object);
            if (problem.isPresent()) {
                throw new BadReview("request.object is not a pod: " + problem.get());
            }
        }
        String namespace = optionalText(request, "namespace");
        if (!namespace.isEmpty() && !Names.isDnsLabel(namespace)) {
            throw new BadReview("request.namespace must be a namespace name (a DNS label of at most 63 characters),"
                    + " not '" + Bounded.text(namespace) + "'");
        }
        String subResource = optionalText(request, "subResource");
        JsonNode oldObject = request.get("oldObject");
        return new AdmissionRequest(uid, namespace, optionalText(request, "name"), operation, subResource,
                request.path("dryRun").asBoolean(false), resource,
                object == null || object.isNull() ? null : (ObjectNode) object,
                oldObject instanceof ObjectNode old ? old : null);
    }

    private static void requireText(JsonNode node, String field, String expected) throws BadReview {
        String value = text(node, field);
        if (!expected.equals(value)) {
            throw new BadReview(field + " must be " + expected + ", got " + (value == null ? "nothing" : "'" + value + "'"));
        }
    }

    /**
     * The types the API server guarantees for a pod it sends, checked once here so that a direct
     * call with {@code metadata: "x"} or {@code volumes: {}} is refused rather than read as a pod
     * without labels or volumes and allowed unreviewed. Linear in the lists' lengths.
     */
    static Optional<String> podShapeProblem(JsonNode pod) {
        Optional<String> problem = kind(pod, "metadata", JsonNode::isObject, "an object")
                .or(() -> kind(pod, "spec", JsonNode::isObject, "an object"));
        if (problem.isPresent()) {
            return problem;
        }
        JsonNode metadata = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        problem = kind(metadata, "labels", JsonNode::isObject, "an object", "metadata.")
                .or(() -> kind(metadata, "annotations", JsonNode::isObject, "an object", "metadata."))
                .or(() -> kind(spec, "volumes", JsonNode::isArray, "a list", "spec."));
        if (problem.isPresent()) {
            return problem;
        }
        for (String list : PodContract.CONTAINER_LISTS) {
            problem = kind(spec, list, JsonNode::isArray, "a list", "spec.");
            if (problem.isPresent()) {
                return problem;
            }
        }
        for (JsonNode volume : spec.path("volumes")) {
            if (!volume.isObject()) {
                return Optional.of("spec.volumes[] must be objects");
            }
            JsonNode hostPath = volume.get("hostPath");
            if (hostPath != null && !hostPath.isNull() && (!hostPath.isObject() || !hostPath.path("path").isTextual())) {
                return Optional.of("spec.volumes[].hostPath.path must be a string");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> kind(JsonNode parent, String field, Predicate<JsonNode> is, String what) {
        return kind(parent, field, is, what, "");
    }

    private static Optional<String> kind(JsonNode parent, String field, Predicate<JsonNode> is, String what,
            String prefix) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() || is.test(value) ? Optional.empty()
                : Optional.of(prefix + field + " must be " + what);
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
