package io.s3jars.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the API server's defaulting adds to a pod after the mutating webhooks, as the validating
 * ones then see it: container termination message fields and pull policy, probe timeouts and
 * thresholds, requests copied from limits. Admission plugins such as the service-account token
 * mount ran before the webhooks, so {@link Fixtures#withApiServerDefaults} covers them.
 */
public final class Defaulting {

    private Defaulting() {
    }

    public static ObjectNode apply(ObjectNode original) {
        ObjectNode pod = original.deepCopy();
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            for (JsonNode element : pod.path("spec").path(list)) {
                ObjectNode container = (ObjectNode) element;
                putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
                putIfAbsent(container, "terminationMessagePolicy", "File");
                putIfAbsent(container, "imagePullPolicy", "IfNotPresent");
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    if (container.get(probe) instanceof ObjectNode p) {
                        if (!p.has("timeoutSeconds")) {
                            p.put("timeoutSeconds", 1);
                        }
                        if (!p.has("successThreshold")) {
                            p.put("successThreshold", 1);
                        }
                    }
                }
                if (container.get("resources") instanceof ObjectNode resources
                        && resources.get("limits") instanceof ObjectNode limits) {
                    ObjectNode requests = resources.withObject("requests");
                    for (Iterator<Map.Entry<String, JsonNode>> it = limits.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> limit = it.next();
                        if (!requests.has(limit.getKey())) {
                            requests.set(limit.getKey(), limit.getValue());
                        }
                    }
                }
            }
        }
        return pod;
    }

    private static void putIfAbsent(ObjectNode node, String field, String value) {
        if (!node.has(field)) {
            node.put(field, value);
        }
    }
}
