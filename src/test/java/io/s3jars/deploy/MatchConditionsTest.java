package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.s3jars.testing.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's matchConditions evaluated by CEL, as the API server evaluates them: each webhook
 * sees the requests it must review and none it must not.
 */
class MatchConditionsTest {

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN).addVar("oldObject", SimpleType.DYN).addVar("request", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final Rendered CHART = Rendered.chart(Map.of());

    @Test
    void theBaselineGuardSeesCreatesDebugContainersImageChangesAndShellsIntoS3jarsContainers() throws Exception {
        List<MatchCondition> conditions = validating("baseline-guard.s3jars.io").getMatchConditions();
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ObjectNode relabelled = pod.deepCopy();
        ((ObjectNode) relabelled.get("metadata")).withObject("labels").put("phase", "done");
        ObjectNode swapped = pod.deepCopy();
        ((ObjectNode) swapped.at("/spec/containers/0")).put("image", "attacker.example.com/shell:1");
        ObjectNode withInit = pod.deepCopy();
        withInit.with("spec").putArray("initContainers").addObject().put("name", "s3jars-mount-x").put("image", "a");
        ObjectNode initSwapped = withInit.deepCopy();
        ((ObjectNode) initSwapped.at("/spec/initContainers/0")).put("image", "b");

        assertThat(all(conditions, pod, null, request("CREATE", ""))).isTrue();
        assertThat(all(conditions, pod, pod, request("UPDATE", "ephemeralcontainers"))).isTrue();
        assertThat(all(conditions, relabelled, pod, request("UPDATE", ""))).as("a label change").isFalse();
        assertThat(all(conditions, swapped, pod, request("UPDATE", ""))).as("an image change").isTrue();
        assertThat(all(conditions, initSwapped, withInit, request("UPDATE", ""))).as("a sidecar image change").isTrue();
        assertThat(all(conditions, withInit, withInit, request("UPDATE", ""))).as("no change with init").isFalse();
        assertThat(all(conditions, execOptions("s3jars-mount-x"), null, request("CONNECT", "exec"))).isTrue();
        assertThat(all(conditions, execOptions("executor"), null, request("CONNECT", "exec"))).isFalse();
        assertThat(all(conditions, Fixtures.JSON.createObjectNode().put("kind", "PodExecOptions"), null,
                request("CONNECT", "exec"))).as("no container named: the default one, never s3jars'").isFalse();
    }

    @Test
    void thePathGuardSeesPodsWithAHostPathAndTheMutatingWebhookSparkPodsOnly() throws Exception {
        List<MatchCondition> guard = validating("hostpath-guard.s3jars.io").getMatchConditions();
        assertThat(all(guard, Fixtures.podWithHostPath("/mnt/s3"), null, request("CREATE", ""))).isTrue();
        assertThat(all(guard, Fixtures.sparkPod(Fixtures.EXECUTOR), null, request("CREATE", ""))).isFalse();
        List<MatchCondition> mutate = CHART.one(MutatingWebhookConfiguration.class).getWebhooks().get(0)
                .getMatchConditions();
        assertThat(all(mutate, Fixtures.sparkPod(Fixtures.EXECUTOR), null, request("CREATE", ""))).isTrue();
        assertThat(all(mutate, Fixtures.podWithHostPath("/x"), null, request("CREATE", ""))).isFalse();
    }

    private static ValidatingWebhook validating(String name) {
        return CHART.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
                .filter(w -> w.getName().equals(name)).findFirst().orElseThrow();
    }

    /** The API server calls the webhook only when every condition is true. */
    private static boolean all(List<MatchCondition> conditions, ObjectNode object, ObjectNode oldObject,
            Map<String, Object> request) throws Exception {
        Map<String, Object> variables = new HashMap<>();
        variables.put("object", map(object));
        variables.put("oldObject", oldObject == null ? null : map(oldObject));
        variables.put("request", request);
        for (MatchCondition condition : conditions) {
            CelAbstractSyntaxTree ast = COMPILER.compile(condition.getExpression()).getAst();
            Object result = RUNTIME.createProgram(ast).eval(variables);
            if (!Boolean.TRUE.equals(result)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> request(String operation, String subResource) {
        return Map.of("operation", operation, "subResource", subResource);
    }

    private static ObjectNode execOptions(String container) {
        return Fixtures.JSON.createObjectNode().put("kind", "PodExecOptions").put("container", container);
    }

    private static Map<String, Object> map(ObjectNode node) {
        return Fixtures.JSON.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }
}
