package io.s3jars.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.s3jars.testing.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
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

    /**
     * The variables as the API server declares them for a webhook's matchConditions: {@code object}
     * and {@code oldObject} dynamic, {@code request} the AdmissionRequest's fields with their types
     * (k8s.io/apiserver, plugin/cel). A condition that names a field the request lacks, or compares
     * one with the wrong type, does not compile there, and the API server refuses the configuration.
     */
    private static final CelCompiler API_SERVER_TYPES = apiServerTypes();

    @Test
    void everyConditionTypeChecksAsTheApiServerDeclaresItsVariables() {
        Rendered everything = Rendered.chart(Map.of("csi.manageVolumes", "true", "nodeAgent.enabled", "true"));
        List<MatchCondition> conditions = Stream.concat(
                everything.all(MutatingWebhookConfiguration.class).stream().flatMap(c -> c.getWebhooks().stream())
                        .map(MutatingWebhook::getMatchConditions),
                everything.all(ValidatingWebhookConfiguration.class).stream().flatMap(c -> c.getWebhooks().stream())
                        .map(ValidatingWebhook::getMatchConditions))
                .flatMap(List::stream).toList();
        assertThat(conditions).hasSizeGreaterThanOrEqualTo(5);
        for (MatchCondition condition : conditions) {
            try {
                assertThat(API_SERVER_TYPES.compile(condition.getExpression()).getAst().getResultType())
                        .as(condition.getName()).isEqualTo(SimpleType.BOOL);
            } catch (CelValidationException e) {
                throw new AssertionError(condition.getName() + " does not compile: " + e.getMessage(), e);
            }
        }
        // The typed declaration can fail: a misspelt field, a string compared with a bool.
        assertThat(compiles("request.subresource == 'exec'")).isFalse();
        assertThat(compiles("request.dryRun == 'true'")).isFalse();
        assertThat(compiles("request.userInfo.groups.exists(g, g == 'system:masters')")).isTrue();
    }

    @Test
    void theMutatingWebhookSeesDriversAndExecutorsOnlyAndThePolicyWebhookItsConfigMapOnly() throws Exception {
        List<MatchCondition> mutate = CHART.one(MutatingWebhookConfiguration.class).getWebhooks().get(0)
                .getMatchConditions();
        ObjectNode other = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) other.get("metadata")).withObject("labels").put("spark-role", "shuffle");
        ObjectNode unlabelled = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) unlabelled.get("metadata")).remove("labels");
        ObjectNode plain = Fixtures.JSON.createObjectNode();
        plain.putObject("metadata").put("name", "web").putObject("labels").put("app", "web");
        plain.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "nginx");
        assertThat(all(mutate, Fixtures.sparkPod(Fixtures.DRIVER), null, request("CREATE", ""))).as("driver").isTrue();
        assertThat(all(mutate, Fixtures.sparkPod(Fixtures.EXECUTOR), null, request("CREATE", ""))).as("executor")
                .isTrue();
        assertThat(all(mutate, other, null, request("CREATE", ""))).as("another spark-role").isFalse();
        assertThat(all(mutate, unlabelled, null, request("CREATE", ""))).as("no labels at all").isFalse();
        assertThat(all(mutate, plain, null, request("CREATE", ""))).as("not a Spark pod").isFalse();
        assertThat(all(validating("hostpath-guard.s3jars.io").getMatchConditions(), plain, null,
                request("CREATE", ""))).as("no volumes at all").isFalse();

        List<MatchCondition> policy = validating("policy.s3jars.io").getMatchConditions();
        assertThat(all(policy, configMap("s3jars-policy"), null, request("UPDATE", ""))).as("the policy").isTrue();
        assertThat(all(policy, configMap("kube-root-ca.crt"), null, request("UPDATE", ""))).as("another ConfigMap")
                .isFalse();
        ObjectNode generated = configMap(null);
        ((ObjectNode) generated.get("metadata")).put("generateName", "s3jars-policy");
        assertThat(all(policy, generated, null, request("CREATE", ""))).as("a generateName ConfigMap").isFalse();
    }

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

    private static boolean compiles(String expression) {
        try {
            API_SERVER_TYPES.compile(expression).getAst();
            return true;
        } catch (CelValidationException e) {
            return false;
        }
    }

    private static ObjectNode configMap(String name) {
        ObjectNode configMap = Fixtures.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode metadata = configMap.putObject("metadata").put("namespace", "s3jars-system");
        if (name != null) {
            metadata.put("name", name);
        }
        configMap.putObject("data").put("policy.yaml", "buckets: {}");
        return configMap;
    }

    private static CelCompiler apiServerTypes() {
        StructType groupVersionKind = struct("kubernetes.GroupVersionKind", Map.of("group", SimpleType.STRING,
                "version", SimpleType.STRING, "kind", SimpleType.STRING));
        StructType groupVersionResource = struct("kubernetes.GroupVersionResource", Map.of("group",
                SimpleType.STRING, "version", SimpleType.STRING, "resource", SimpleType.STRING));
        StructType userInfo = struct("kubernetes.UserInfo", Map.of("username", SimpleType.STRING, "uid",
                SimpleType.STRING, "groups", ListType.create(SimpleType.STRING), "extra",
                MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING))));
        Map<String, CelType> requestFields = new HashMap<>();
        requestFields.put("kind", groupVersionKind);
        requestFields.put("resource", groupVersionResource);
        requestFields.put("subResource", SimpleType.STRING);
        requestFields.put("requestKind", groupVersionKind);
        requestFields.put("requestResource", groupVersionResource);
        requestFields.put("requestSubResource", SimpleType.STRING);
        requestFields.put("name", SimpleType.STRING);
        requestFields.put("namespace", SimpleType.STRING);
        requestFields.put("operation", SimpleType.STRING);
        requestFields.put("userInfo", userInfo);
        requestFields.put("dryRun", SimpleType.BOOL);
        requestFields.put("options", SimpleType.DYN);
        StructType request = struct("kubernetes.AdmissionRequest", requestFields);
        List<CelType> types = List.of(groupVersionKind, groupVersionResource, userInfo, request);
        CelTypeProvider provider = new CelTypeProvider() {
            @Override
            public com.google.common.collect.ImmutableCollection<CelType> types() {
                return com.google.common.collect.ImmutableList.copyOf(types);
            }

            @Override
            public Optional<CelType> findType(String typeName) {
                return types.stream().filter(t -> t.name().equals(typeName)).findFirst();
            }
        };
        return CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(provider).addVar("object", SimpleType.DYN).addVar("oldObject", SimpleType.DYN)
                .addVar("request", request).build();
    }

    private static StructType struct(String name, Map<String, CelType> fields) {
        return StructType.create(name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(fields.get(field)));
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
