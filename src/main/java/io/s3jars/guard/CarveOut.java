package io.s3jars.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.guard.baseline.Violation;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.mutation.PodContract;
import io.s3jars.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides what the guard lets through that the controls would refuse: exactly
 * what s3jars injects into this pod for the buckets its namespace and service account may use,
 * as the mutation steps themselves build it. An element with an s3jars name that differs from
 * that in any field (an impostor sidecar with its own {@code env}, a hostPath volume pointing
 * elsewhere) is not exempt, and the difference is itself a violation.
 *
 * @param volumes    names of the exempt volumes
 * @param containers exempt containers, as {@code list/name}
 * @param violations impostors, and exempt volumes mounted writable
 */
record CarveOut(Set<String> volumes, Set<String> containers, List<Violation> violations) {

    static final String CONTROL = "s3jarsInjection";
    static final CarveOut NONE = new CarveOut(Set.of(), Set.of(), List.of());

    private static final List<String> INJECTED_CONTAINER_LISTS = List.of("initContainers", "containers");

    static CarveOut of(ObjectNode pod, String namespace, Optional<PolicySnapshot> policy, ClusterView cluster,
            MutationEngine engine) {
        Optional<ObjectNode> injection = policy.flatMap(p -> engine.injectionOf(pod, namespace, p, cluster));
        if (injection.isEmpty()) {
            return NONE;
        }
        JsonNode spec = pod.path("spec");
        JsonNode injected = injection.get().path("spec");
        Set<String> volumes = new HashSet<>();
        Set<String> containers = new HashSet<>();
        List<Violation> violations = new ArrayList<>();
        for (JsonNode expected : injected.path("volumes")) {
            String name = expected.path("name").asText();
            named(spec.path("volumes"), name).ifPresent(actual -> InjectedElementDiff.volume(expected, actual)
                    .ifPresentOrElse(field -> violations.add(new Violation(CONTROL, "volume " + Violation.quoted(name)
                            + " is not the one s3jars injects: " + field + " differs")), () -> volumes.add(name)));
        }
        for (String list : INJECTED_CONTAINER_LISTS) {
            for (JsonNode expected : injected.path(list)) {
                String name = expected.path("name").asText();
                named(spec.path(list), name).ifPresent(actual -> InjectedElementDiff.container(expected, actual)
                        .ifPresentOrElse(field -> violations.add(new Violation(CONTROL, "container "
                                + Violation.quoted(name) + " is not the one s3jars injects: " + field + " differs")),
                                () -> containers.add(list + "/" + name)));
            }
        }
        if (!hasOwnRegularContainer(spec)) {
            // The sidecar would be the pod's only regular container, the one an exec without a container
            // name enters: a shell that is root on the node. A Spark pod always has its own container.
            containers.removeIf(c -> c.startsWith("containers/"));
            violations.add(new Violation(CONTROL, "the pod has no container of its own beside s3jars' sidecar"));
        }
        violations.addAll(writableMounts(spec, volumes, containers));
        return new CarveOut(Set.copyOf(volumes), Set.copyOf(containers), List.copyOf(violations));
    }

    private static boolean hasOwnRegularContainer(JsonNode spec) {
        for (JsonNode container : spec.path("containers")) {
            if (!container.path("name").asText("").startsWith(PodContract.NAME_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** The pod's own containers may read a bucket, never write it or propagate mounts back to the node. */
    private static List<Violation> writableMounts(JsonNode spec, Set<String> volumes, Set<String> containers) {
        List<Violation> violations = new ArrayList<>();
        for (String list : PodContract.CONTAINER_LISTS) {
            for (JsonNode container : spec.path(list)) {
                if (containers.contains(list + "/" + container.path("name").asText())) {
                    continue;
                }
                for (JsonNode mount : container.path("volumeMounts")) {
                    if (volumes.contains(mount.path("name").asText()) && (!mount.path("readOnly").asBoolean(false)
                            || mount.path("mountPropagation").asText("None").equals("Bidirectional"))) {
                        violations.add(new Violation(CONTROL, "container " + Violation.quoted(container.path("name")
                                .asText()) + " must mount volume " + Violation.quoted(mount.path("name").asText())
                                + " with readOnly=true and without Bidirectional propagation"));
                    }
                }
            }
        }
        return violations;
    }

    private static Optional<JsonNode> named(JsonNode list, String name) {
        if (list.isArray()) {
            for (JsonNode element : list) {
                if (name.equals(element.path("name").asText(null))) {
                    return Optional.of(element);
                }
            }
        }
        return Optional.empty();
    }
}
