package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's ValidatingAdmissionPolicy for the node agent, evaluated by CEL as the API server
 * would: the agent may relabel its own node, and nothing else of any node.
 */
class NodeAgentOwnNodePolicyTest {

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN).addVar("oldObject", SimpleType.DYN).addVar("request", SimpleType.DYN)
            .addVar("variables", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final String AGENT = "system:serviceaccount:s3jars-node:s3jars-node-agent";
    private static final Rendered CHART = Rendered.chart(Map.of("nodeAgent.enabled", "true"));
    private static final ValidatingAdmissionPolicy POLICY = CHART.one(ValidatingAdmissionPolicy.class);

    @Test
    void theAgentMayRelabelItsOwnNodeAndNothingElse() throws Exception {
        Map<String, Object> node = node("n1", Map.of("kubernetes.io/hostname", "n1"), Map.of());
        Map<String, Object> labelled = node("n1", Map.of("kubernetes.io/hostname", "n1",
                "mountpoint.s3jars.io/jars", "ready"), Map.of());
        assertThat(denial(labelled, node, AGENT, "n1")).isNull();
        assertThat(denial(node, labelled, AGENT, "n1")).as("removing its label").isNull();
        assertThat(denial(labelled, node, AGENT, "n2")).isEqualTo("the s3jars node agent may change its own node only");
        assertThat(denial(labelled, node, AGENT, null)).as("a token that names no node")
                .isEqualTo("the s3jars node agent may change its own node only");
        assertThat(denial(node("n1", Map.of("kubernetes.io/hostname", "n1"), Map.of("unschedulable", true)), node,
                AGENT, "n1")).isEqualTo("the s3jars node agent may change the node's labels and annotations only");
        assertThat(denial(node("n1", Map.of("kubernetes.io/hostname", "n2"), Map.of()), node, AGENT, "n1"))
                .isEqualTo("the s3jars node agent may not change a label of Kubernetes' own");
        assertThat(denial(node("n1", Map.of(), Map.of()), node, AGENT, "n1")).as("removing one")
                .isEqualTo("the s3jars node agent may not change a label of Kubernetes' own");
        assertThat(denial(node("n1", Map.of("kubernetes.io/hostname", "n1", "node-role.kubernetes.io/spark", ""),
                Map.of()), node, AGENT, "n1")).isEqualTo("the s3jars node agent may not change a label of Kubernetes' own");
        assertThat(matches("system:serviceaccount:spark-team-a:spark")).as("nobody else is judged").isFalse();
        assertThat(matches(AGENT)).isTrue();
        assertThat(CHART.one(ValidatingAdmissionPolicyBinding.class).getSpec().getValidationActions())
                .containsExactly("Deny");
    }

    @Test
    void olderClustersAreToldToTurnItOff() {
        assertThatThrownBy(() -> Rendered.chart(Map.of("nodeAgent.enabled", "true"), "1.29.0"))
                .hasMessageContaining("nodeAgent.ownNodeOnly needs Kubernetes 1.30");
        assertThat(Rendered.chart(Map.of("nodeAgent.enabled", "true", "nodeAgent.ownNodeOnly", "false"), "1.29.0")
                .kind("ValidatingAdmissionPolicy")).isEmpty();
    }

    /** The message of the first validation that fails, or null when all pass. */
    private static String denial(Map<String, Object> object, Map<String, Object> oldObject, String user, String node)
            throws Exception {
        Map<String, Object> request = request(user, node);
        Map<String, Object> variables = new HashMap<>();
        Map<String, Object> input = new HashMap<>(Map.of("object", object, "oldObject", oldObject, "request", request));
        input.put("variables", variables);
        for (var variable : POLICY.getSpec().getVariables()) {
            variables.put(variable.getName(), eval(variable.getExpression(), input));
        }
        for (var validation : POLICY.getSpec().getValidations()) {
            if (!Boolean.TRUE.equals(eval(validation.getExpression(), input))) {
                return validation.getMessage();
            }
        }
        return null;
    }

    private static boolean matches(String user) throws Exception {
        Map<String, Object> input = Map.of("request", request(user, "n1"));
        return POLICY.getSpec().getMatchConditions().stream().allMatch(c -> {
            try {
                return Boolean.TRUE.equals(eval(c.getExpression(), input));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static Object eval(String expression, Map<String, Object> input) throws Exception {
        return RUNTIME.createProgram(COMPILER.compile(expression).getAst()).eval(input);
    }

    private static Map<String, Object> request(String user, String node) {
        Map<String, Object> extra = node == null ? Map.of()
                : Map.of("authentication.kubernetes.io/node-name", List.of(node));
        return Map.of("subResource", "", "userInfo", Map.of("username", user, "extra", extra));
    }

    private static Map<String, Object> node(String name, Map<String, String> labels, Map<String, Object> spec) {
        return Map.of("metadata", Map.of("name", name, "labels", labels), "spec", spec);
    }
}
