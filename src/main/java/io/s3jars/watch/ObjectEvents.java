package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;

/**
 * A core/v1 Event on one of s3jars' objects (the policy ConfigMap, csi volumes and claims), where
 * {@code kubectl describe} shows it: in the object's namespace, or {@code default} for a
 * cluster-scoped object.
 */
final class ObjectEvents {

    /** Messages are cut to 1 KiB with "..." (the events API's limit for a note), so a long list of errors fits. */
    static final int MAX_MESSAGE = 1024;
    private static final String NAMESPACE_OF_CLUSTER_SCOPED = "default";

    private ObjectEvents() {
    }

    static Event of(HasMetadata object, String type, String reason, String message) {
        String namespace = object.getMetadata().getNamespace() == null ? NAMESPACE_OF_CLUSTER_SCOPED
                : object.getMetadata().getNamespace();
        String now = Instant.now().toString();
        return new EventBuilder()
                .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".").withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject().withApiVersion(object.getApiVersion()).withKind(object.getKind())
                .withNamespace(object.getMetadata().getNamespace()).withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid()).withResourceVersion(object.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason)
                .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent("s3jars").endSource()
                .withReportingComponent("s3jars")
                .build();
    }
}
