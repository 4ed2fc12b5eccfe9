package io.s3jars.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.GuardMode;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.config.S3JarsConfig;
import io.s3jars.decision.Decision;
import io.s3jars.mutation.MutationEngine;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Fixtures;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * /validate on a running pod in an s3jars namespace: a debug container and an image swap go
 * through the guard, as the review arrives; other updates (labels, finalizers) never wait on it.
 */
class ValidatePodUpdatesTest {

    private static final MutationEngine ENGINE = new MutationEngine();
    private final ValidateEndpoint endpoint = endpoint();

    @Test
    void aPrivilegedDebugContainerIsRefused() throws Exception {
        ObjectNode before = injected();
        ObjectNode after = before.deepCopy();
        after.with("spec").putArray("ephemeralContainers").addObject().put("name", "debugger").put("image", "busybox")
                .putObject("securityContext").put("privileged", true);
        Decision decision = decide(review("UPDATE", "ephemeralcontainers", after, before));
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).reason()).contains("container \"debugger\" must not set");
    }

    @Test
    void swappingTheSidecarsImageIsRefusedAndALabelChangeIsNotReviewed() throws Exception {
        ObjectNode before = injected();
        ObjectNode swapped = before.deepCopy();
        ((ObjectNode) swapped.at("/spec/initContainers/0")).put("image", "attacker.example.com/shell:1");
        Decision decision = decide(review("UPDATE", "", swapped, before));
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).reason()).contains("image differs");

        ObjectNode relabelled = before.deepCopy();
        ((ObjectNode) relabelled.get("metadata")).withObject("labels").put("phase", "done");
        ((ObjectNode) relabelled.get("metadata")).putArray("finalizers");
        Decision skipped = decide(review("UPDATE", "", relabelled, before));
        assertThat(skipped).isInstanceOf(Decision.Skip.class);
        assertThat(((Decision.Skip) skipped).reason()).contains("changes no container image");
    }

    @Test
    void aShellInTheSidecarIsRefusedAndOneInTheSparkContainerIsNot() throws Exception {
        for (String subResource : List.of("exec", "attach")) {
            ObjectNode options = Fixtures.JSON.createObjectNode().put("kind", "PodExecOptions")
                    .put("container", "s3jars-mount-spark-jars-bucket");
            Decision decision = decide(review("CONNECT", subResource, options, null));
            assertThat(decision).as(subResource).isInstanceOf(Decision.Deny.class);
            assertThat(((Decision.Deny) decision).reason()).contains("runs privileged");
        }
        ObjectNode spark = Fixtures.JSON.createObjectNode().put("kind", "PodExecOptions").put("container", "executor");
        assertThat(decide(review("CONNECT", "exec", spark, null))).isInstanceOf(Decision.Skip.class);
    }

    private Decision decide(String review) throws BadReview {
        byte[] body = review.getBytes(StandardCharsets.UTF_8);
        return endpoint.decide(AdmissionRequest.parse(body, 0, body.length,
                new ReviewReader(ReviewReader.NOT_READ_BY_VALIDATION), "configmaps", "pods"));
    }

    private static ObjectNode injected() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("metadata")).withObject("annotations").put("s3jars.io/mode", "sidecar");
        Decision decision = ENGINE.decide(pod, "spark-team-a", Optional.of(Fixtures.testPolicy()), view());
        return ((Decision.Patch) decision).mutatedPod();
    }

    private static StaticClusterView view() {
        return new StaticClusterView(List.of(), Map.of(), Map.of("spark-team-a", GuardMode.ENFORCE));
    }

    private static String review(String operation, String subResource, ObjectNode object, ObjectNode oldObject) {
        ObjectNode review = Fixtures.JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1")
                .put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "u-1").put("operation", operation)
                .put("namespace", "spark-team-a").put("subResource", subResource);
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("object", object);
        if (oldObject != null) {
            request.set("oldObject", oldObject);
        }
        return review.toString();
    }

    private static ValidateEndpoint endpoint() {
        PolicyStore store = new PolicyStore();
        store.offer(Fixtures.resource("/policy/test-policy.yaml"), "test");
        S3JarsConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
                .withMapping(S3JarsConfig.class).withSources(new PropertiesConfigSource(Map.of(), "test", 100)).build()
                .getConfigMapping(S3JarsConfig.class);
        return new ValidateEndpoint(store, config, view(), ENGINE,
                new AdmissionLog(new AdmissionMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())),
                new LargeReviews(1, 3 * 1024 * 1024, System::nanoTime));
    }
}
