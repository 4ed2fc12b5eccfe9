package io.s3jars.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.Defaults;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Add-if-missing for the named elements of a pod (volumes, mounts, containers), shared by the
 * steps. "Present" means present with at least the fields s3jars sets: the API server may
 * default more fields between two webhook calls, and that must not count as a conflict.
 */
final class PodElements {

    private PodElements() {
    }

    /** The volume named like {@code volume}, if the pod has one. */
    static Optional<JsonNode> volume(PodEditor pod, String name) {
        return named(pod, name, "spec", "volumes");
    }

    static void ensureVolume(PodEditor pod, ObjectNode volume) {
        String name = volume.get("name").asText();
        Optional<JsonNode> existing = volume(pod, name);
        if (existing.isEmpty()) {
            pod.append(volume, "spec", "volumes");
        } else if (!containsAll(existing.get(), volume)) {
            throw new InjectionConflict("the pod already has a volume named " + name
                    + " that is not the one s3jars manages; rename it");
        }
    }

    /** Adds {@code mount} to the container at {@code list[index]} unless it is there already. */
    static void ensureMount(PodEditor pod, String list, int index, ObjectNode mount) {
        String containerName = pod.get("spec", list, String.valueOf(index)).path("name").asText();
        String name = mount.get("name").asText();
        String path = mount.get("mountPath").asText();
        JsonNode mounts = pod.get("spec", list, String.valueOf(index), "volumeMounts");
        if (mounts != null && mounts.isArray()) {
            for (JsonNode existing : mounts) {
                boolean sameName = name.equals(existing.path("name").asText());
                boolean samePath = path.equals(existing.path("mountPath").asText());
                if (sameName && containsAll(existing, mount)) {
                    return;
                }
                if (sameName || samePath) {
                    throw new InjectionConflict("container " + containerName + " already mounts "
                            + existing.path("name").asText() + " at " + existing.path("mountPath").asText()
                            + ", where s3jars must mount " + name + " at " + path
                            + "; move that mount or set the policy's defaults.mountPath");
                }
            }
        }
        pod.append(mount, "spec", list, String.valueOf(index), "volumeMounts");
    }

    /**
     * Adds {@code container} to {@code spec.<list>} unless a container of that name is there already.
     * Only what it runs is compared: the API server rewrites other fields (quantities into canonical
     * form, probe defaults) between two webhook calls.
     */
    static void ensureContainer(PodEditor pod, String list, ObjectNode container) {
        String name = container.get("name").asText();
        Optional<JsonNode> existing = named(pod, name, "spec", list);
        if (existing.isEmpty()) {
            pod.append(container, "spec", list);
        } else if (!containsAll(existing.get(), container.deepCopy().retain("image", "command", "args"))) {
            throw new InjectionConflict("the pod already has a container named " + name
                    + " that is not the one s3jars manages; rename it");
        }
    }

    /**
     * Indexes in {@code spec.containers} of the containers that get the bucket: those with a Spark
     * container name, or, when the pod has none (custom pod templates), every container except
     * known sidecars and s3jars' own.
     */
    static List<Integer> sparkContainers(PodEditor pod, Defaults defaults) {
        JsonNode containers = pod.get("spec", "containers");
        if (containers == null) {
            return List.of();
        }
        if (!containers.isArray()) {
            throw new MalformedPod("spec.containers must be a list");
        }
        List<Integer> named = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            if (!containers.get(i).isObject()) {
                throw new MalformedPod("spec.containers." + i + " must be an object");
            }
            String name = containers.get(i).path("name").asText("");
            if (defaults.sparkContainers().contains(name)) {
                named.add(i);
            } else if (!defaults.excludeContainers().contains(name) && !name.startsWith(PodContract.NAME_PREFIX)) {
                others.add(i);
            }
        }
        return named.isEmpty() ? others : named;
    }

    private static Optional<JsonNode> named(PodEditor pod, String name, String... path) {
        JsonNode list = pod.get(path);
        if (list == null) {
            return Optional.empty();
        }
        if (!list.isArray()) {
            throw new MalformedPod(String.join(".", path) + " must be a list");
        }
        for (JsonNode element : list) {
            if (name.equals(element.path("name").asText(null))) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }

    /** True when every field of {@code expected} is in {@code actual} with the same value; lists compare item by item. */
    static boolean containsAll(JsonNode actual, JsonNode expected) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = actual.get(field.getKey());
                if (value == null || !containsAll(value, field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!containsAll(actual.get(i), expected.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(actual);
    }

    static ArrayNode texts(ArrayNode array, Iterable<String> values) {
        values.forEach(array::add);
        return array;
    }
}
