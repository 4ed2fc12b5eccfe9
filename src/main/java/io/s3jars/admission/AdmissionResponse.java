package io.s3jars.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.s3jars.decision.Bounded;
import io.s3jars.decision.Decision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the AdmissionReview response; the one place that echoes {@code request.uid}. Written
 * straight to bytes, the patch as base64 in place: the answer is built once per pod.
 */
public final class AdmissionResponse {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** kubectl prints every warning on its own line; past this many, one line says how many more. */
    static final int MAX_WARNINGS = 20;

    private AdmissionResponse() {
    }

    public static byte[] of(String uid, Decision decision) {
        if (decision instanceof Decision.Patch patch) {
            return allowed(uid, patch.changesPod() ? patch.operations() : null, patch.warnings());
        }
        if (decision instanceof Decision.Deny deny) {
            return denied(uid, deny.code(), deny.reason());
        }
        return allowed(uid, null, ((Decision.Skip) decision).warnings());
    }

    private static byte[] allowed(String uid, ArrayNode patch, List<String> warnings) {
        // Written before the review is opened: nested writers would not share Jackson's buffers.
        byte[] patchJson = patch == null ? null : bytes(patch);
        return review(uid, true, json -> {
            if (patchJson != null) {
                json.writeStringField("patchType", "JSONPatch");
                // Jackson's default base64 is the standard alphabet with padding and no line breaks.
                json.writeBinaryField("patch", patchJson);
            }
            if (!warnings.isEmpty()) {
                json.writeArrayFieldStart("warnings");
                for (String warning : warnings.subList(0, Math.min(warnings.size(), MAX_WARNINGS))) {
                    json.writeString("s3jars: " + Bounded.message(warning));
                }
                if (warnings.size() > MAX_WARNINGS) {
                    json.writeString("s3jars: and " + (warnings.size() - MAX_WARNINGS) + " more warnings");
                }
                json.writeEndArray();
            }
        });
    }

    private static byte[] denied(String uid, int code, String message) {
        return review(uid, false, json -> {
            json.writeObjectFieldStart("status");
            json.writeNumberField("code", code);
            json.writeStringField("message", "s3jars: " + Bounded.message(message));
            json.writeEndObject();
        });
    }

    private static byte[] bytes(ArrayNode patch) {
        try {
            return JSON.writeValueAsBytes(patch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the patch", e);
        }
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] review(String uid, boolean allowed, Fields more) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("apiVersion", AdmissionRequest.API_VERSION);
            json.writeStringField("kind", "AdmissionReview");
            json.writeObjectFieldStart("response");
            json.writeStringField("uid", uid);
            json.writeBooleanField("allowed", allowed);
            more.write(json);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the AdmissionReview", e);
        }
        return out.toByteArray();
    }
}
