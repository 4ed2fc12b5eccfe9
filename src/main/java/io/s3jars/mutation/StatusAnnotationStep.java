package io.s3jars.mutation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Optional;

/**
 * Records what was injected in {@code s3jars.io/status}, as JSON: {@code {"mode","buckets","reason"}}.
 * An existing status with the same mode and buckets is kept, so the reason text written on the
 * first call does not churn on reinvocation.
 */
public final class StatusAnnotationStep implements MutationStep {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        ObjectNode status = JSON.createObjectNode().put("mode", plan.mode().label());
        plan.bucketNames().forEach(status.putArray("buckets")::add);
        Optional<JsonNode> existing = existing(pod);
        if (existing.isPresent() && existing.get().path("mode").equals(status.get("mode"))
                && existing.get().path("buckets").equals(status.get("buckets"))) {
            return;
        }
        status.put("reason", plan.reason());
        pod.put(PodContract.STATUS, TextNode.valueOf(status.toString()), "metadata", "annotations");
    }

    private static Optional<JsonNode> existing(PodEditor pod) {
        JsonNode value = pod.get("metadata", "annotations", PodContract.STATUS);
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(value.asText()));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
