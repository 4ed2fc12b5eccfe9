package io.s3jars.nodeagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.policy.PolicySnapshot;
import java.util.Optional;

/**
 * The policy from the webhook's ConfigMap, watched. The agent records no Events for an invalid
 * edit: the webhook's validating endpoint refuses it and its watcher reports it, and a DaemonSet
 * would repeat each report once per node.
 */
final class ConfigMapPolicySource implements PolicySource {

    private final WatchedObject<JsonNode> configMap;
    private final String origin;
    private final String key;
    private final PolicyText text;

    ConfigMapPolicySource(ApiServer api, String namespace, String name, String key, AgentEvents events) {
        this.configMap = new WatchedObject<>(api, "/api/v1/namespaces/" + namespace + "/configmaps", name,
                object -> object.path("data").path(key));
        this.origin = "ConfigMap " + namespace + "/" + name;
        this.key = key;
        this.text = new PolicyText(events);
    }

    void start() {
        configMap.start();
    }

    /** How many times the ConfigMap has been listed. */
    int lists() {
        return configMap.lists();
    }

    @Override
    public Optional<PolicySnapshot> current() {
        configMap.closeIfSilent();
        if (!configMap.listed()) {
            return Optional.empty();
        }
        Optional<JsonNode> seen = configMap.current();
        if (seen.isEmpty()) {
            return text.unreadable(origin + " does not exist");
        }
        JsonNode value = seen.get();
        if (!value.isTextual()) {
            return text.unreadable(origin + " has no key data." + key);
        }
        return text.read(value.asText(), origin);
    }

    @Override
    public Optional<String> problem() {
        return configMap.problem().or(text::problem);
    }

    @Override
    public void close() {
        configMap.close();
    }
}
