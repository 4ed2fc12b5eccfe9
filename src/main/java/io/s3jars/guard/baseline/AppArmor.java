package io.s3jars.guard.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * AppArmor: no profile may be {@code Unconfined}, whether set in the fields (pod or container
 * {@code securityContext.appArmorProfile.type}) or in the older per-container annotations, where
 * only {@code runtime/default} and {@code localhost/*} are allowed.
 */
final class AppArmor implements Control {

    static final String ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

    @Override
    public Optional<Violation> check(GuardedPod pod) {
        Set<String> forbidden = new LinkedHashSet<>();
        JsonNode annotations = GuardedPod.object(pod.metadata().get("annotations"), "metadata.annotations");
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> annotation = it.next();
            if (annotation.getKey().startsWith(ANNOTATION_PREFIX)) {
                String value = annotation.getValue().asText();
                if (!value.isEmpty() && !value.equals("runtime/default") && !value.startsWith("localhost/")) {
                    forbidden.add(annotation.getKey() + "=" + Violation.quoted(value));
                }
            }
        }
        if (unconfined(Describe.podSecurityContext(pod).get("appArmorProfile"), "spec.securityContext.appArmorProfile")) {
            forbidden.add("pod securityContext.appArmorProfile.type=\"Unconfined\"");
        }
        for (GuardedPod.Container container : pod.containers()) {
            if (unconfined(Describe.securityContext(container).get("appArmorProfile"),
                    Describe.where(container) + ".securityContext.appArmorProfile")) {
                forbidden.add("container " + Violation.quoted(container.name())
                        + " securityContext.appArmorProfile.type=\"Unconfined\"");
            }
        }
        return forbidden.isEmpty() ? Optional.empty()
                : Optional.of(new Violation("forbidden AppArmor profiles", String.join(", ", forbidden)));
    }

    private static boolean unconfined(JsonNode profile, String where) {
        return "Unconfined".equals(GuardedPod.object(profile, where).path("type").asText());
    }
}
