package io.s3jars.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.mutation.Decision;
import java.util.Base64;
import java.util.List;

/** Writes the AdmissionReview response; the one place that echoes {@code request.uid}. */
public final class AdmissionResponse {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AdmissionResponse() {
    }

    public static byte[] of(String uid, Decision decision) {
        if (decision instanceof Decision.Patch patch) {
            return patch.changesPod() ? allowed(uid, patch.operations(), patch.warnings()) : allowed(uid, null, patch.warnings());
        }
        if (decision instanceof Decision.Deny deny) {
            return denied(uid, deny.code(), deny.reason());
        }
        return allowed(uid, null, List.of());
    }

    public static byte[] allowed(String uid, ArrayNode patch, List<String> warnings) {
        ObjectNode response = response(uid, true);
        if (patch != null) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(bytes(patch)));
        }
        if (!warnings.isEmpty()) {
            ArrayNode list = response.putArray("warnings");
            warnings.forEach(w -> list.add("s3jars: " + w));
        }
        return bytes(review(response));
    }

    public static byte[] denied(String uid, int code, String message) {
        ObjectNode response = response(uid, false);
        response.putObject("status").put("code", code).put("message", "s3jars: " + message);
        return bytes(review(response));
    }

    private static ObjectNode response(String uid, boolean allowed) {
        return JSON.objectNode().put("uid", uid).put("allowed", allowed);
    }

    private static ObjectNode review(ObjectNode response) {
        ObjectNode review = JSON.objectNode().put("apiVersion", AdmissionRequest.API_VERSION).put("kind", "AdmissionReview");
        review.set("response", response);
        return review;
    }

    private static byte[] bytes(Object node) {
        try {
            return AdmissionRequest.JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
