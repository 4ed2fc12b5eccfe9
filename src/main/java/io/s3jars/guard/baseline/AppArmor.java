package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * AppArmor: a profile set in the fields (pod or container {@code securityContext.appArmorProfile})
 * must be {@code RuntimeDefault} or {@code Localhost}; in the older per-container annotations, only
 * empty, {@code runtime/default} and {@code localhost/*}.
 */
final class AppArmor implements Control {

    static final String ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
    private static final Set<String> ALLOWED_TYPES = Set.of("RuntimeDefault", "Localhost");

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Set<String> types = new TreeSet<>();
        boolean podLevel = forbidden(Describe.podSecurityContext(pod).get("appArmorProfile"),
                "spec.securityContext.appArmorProfile", types);
        List<String> containers = new ArrayList<>();
        for (GuardedPod.Container container : pod.containers()) {
            if (forbidden(Describe.securityContext(container).get("appArmorProfile"),
                    Describe.where(container) + ".securityContext.appArmorProfile", types)) {
                containers.add(container.name());
            }
        }
        List<String> annotations = new ArrayList<>();
        JsonNode metadataAnnotations = GuardedPod.object(pod.metadata().get("annotations"), "metadata.annotations");
        for (Iterator<Map.Entry<String, JsonNode>> it = metadataAnnotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> annotation = it.next();
            String value = annotation.getValue().asText();
            if (annotation.getKey().startsWith(ANNOTATION_PREFIX) && !value.isEmpty() && !value.equals("runtime/default")
                    && !value.startsWith("localhost/")) {
                annotations.add(annotation.getKey() + "=" + Violation.quoted(value));
            }
        }
        annotations.sort(null);
        List<String> setters = new ArrayList<>();
        if (podLevel || !containers.isEmpty()) {
            setters.add(Describe.setters(podLevel, containers));
        }
        if (!annotations.isEmpty()) {
            setters.add(annotations.size() == 1 ? "annotation" : "annotations");
        }
        if (setters.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>(types);
        values.addAll(annotations);
        return Optional.of(new Violation(values.size() == 1 ? "forbidden AppArmor profile" : "forbidden AppArmor profiles",
                String.join(" and ", setters) + " must not set AppArmor profile type to " + Describe.quoted(values)));
    }

    private static boolean forbidden(JsonNode profile, String where, Set<String> types) {
        JsonNode object = GuardedPod.object(profile, where);
        if (profile == null || profile.isNull()) {
            return false;
        }
        String type = object.path("type").asText("");
        if (ALLOWED_TYPES.contains(type)) {
            return false;
        }
        types.add(type);
        return true;
    }
}
