package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;

/**
 * Requires a node whose mount of every bucket is ready. Kubernetes ORs node selector terms, so
 * the requirement goes into every existing term; appending a term of its own would let the pod
 * land on a node that matches only another term and has no mount.
 */
public final class MountReadyAffinityStep implements MutationStep {

    private static final String[] TERMS = {"spec", "affinity", "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"};

    @Override
    public void apply(InjectionPlan plan, PodEditor pod) {
        Map<String, String> labels = plan.mountReadyLabels();
        JsonNode terms = pod.get(TERMS);
        if (terms != null && !terms.isArray()) {
            throw new MalformedPod(String.join(".", TERMS) + " must be a list");
        }
        if (terms == null || terms.isEmpty()) {
            ObjectNode term = JsonNodeFactory.instance.objectNode();
            ArrayNode expressions = term.putArray("matchExpressions");
            labels.forEach((key, value) -> expressions.add(expression(key, value)));
            pod.append(term, TERMS);
            return;
        }
        for (int i = 0; i < terms.size(); i++) {
            if (matchesNoNode(terms.get(i))) {
                continue;
            }
            String[] expressionsPath = append(TERMS, String.valueOf(i), "matchExpressions");
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!hasExpression(pod.get(expressionsPath), label.getKey(), label.getValue())) {
                    pod.append(expression(label.getKey(), label.getValue()), expressionsPath);
                }
            }
        }
    }

    /**
     * A null or empty term matches no node in Kubernetes. Adding our expression to it would make it
     * match every mount-ready node, widening where the pod may run, so it is left as it is.
     */
    private static boolean matchesNoNode(JsonNode term) {
        return term.isNull() || term.isObject() && isEmptyList(term.get("matchExpressions"))
                && isEmptyList(term.get("matchFields"));
    }

    private static boolean isEmptyList(JsonNode node) {
        return node == null || node.isNull() || node.isArray() && node.isEmpty();
    }

    private static boolean hasExpression(JsonNode expressions, String key, String value) {
        if (expressions == null || !expressions.isArray()) {
            return false;
        }
        for (JsonNode e : expressions) {
            JsonNode values = e.path("values");
            if (key.equals(e.path("key").asText()) && "In".equals(e.path("operator").asText())
                    && values.isArray() && values.size() == 1 && value.equals(values.get(0).asText())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode expression(String key, String value) {
        ObjectNode expression = JsonNodeFactory.instance.objectNode().put("key", key).put("operator", "In");
        expression.putArray("values").add(value);
        return expression;
    }

    private static String[] append(String[] path, String... more) {
        String[] result = Arrays.copyOf(path, path.length + more.length);
        System.arraycopy(more, 0, result, path.length, more.length);
        return result;
    }
}
