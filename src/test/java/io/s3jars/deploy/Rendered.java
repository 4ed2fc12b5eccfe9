package io.s3jars.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The chart rendered by a real {@code helm template}, parsed into fabric8 objects. */
record Rendered(String yaml, List<HasMetadata> objects) {

    static final Path CHART = Path.of("helm/s3jars");
    static final String NAMESPACE = "s3jars-system";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Rendered chart(Map<String, Object> values) {
        return chart(values, "1.30.0");
    }

    static Rendered chart(Map<String, Object> values, String kubeVersion) {
        var template = new Helm(CHART).template().withName("s3jars").withNamespace(NAMESPACE).withKubeVersion(kubeVersion);
        values.forEach(template::set);
        return parse(template.call());
    }

    static Rendered parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
            }
        }
        return new Rendered(yaml, objects);
    }

    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Objects of a kind fabric8 has no class for (cert-manager, Prometheus Operator), in rendering order. */
    /** Objects of a kind as rendered, read as plain maps even where a typed model of the kind is on the classpath. */
    List<GenericKubernetesResource> kinds(String kind) {
        List<GenericKubernetesResource> found = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.equals("kind: " + kind))) {
                found.add(SERIALIZATION.unmarshal(document, GenericKubernetesResource.class));
            }
        }
        return found;
    }

    Optional<HasMetadata> kind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).findFirst();
    }
}
