package io.s3jars.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test inputs: the real Spark 4.1.1 pods, policies, and the API server's defaulting. */
public final class Fixtures {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String DRIVER = "pod-a-driver.json";
    public static final String EXECUTOR = "pod-b-executor-1.json";
    public static final String TEMPLATE_EXECUTOR = "pod-f-executor-podtemplate-tolerations.json";

    private Fixtures() {
    }

    public static ObjectNode sparkPod(String file) {
        return (ObjectNode) resourceJson("/spark-pods/" + file);
    }

    public static String resource(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode resourceJson(String path) {
        try {
            return JSON.readTree(resource(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PolicySnapshot policy(String yaml) {
        PolicyResult result = PolicyParser.parse(yaml);
        if (result instanceof PolicyResult.Invalid invalid) {
            throw new AssertionError("test policy invalid: " + invalid.errors());
        }
        return ((PolicyResult.Valid) result).policy();
    }

    public static PolicySnapshot testPolicy() {
        return policy(resource("/policy/test-policy.yaml"));
    }

    public static PolicySnapshot examplePolicy() {
        try {
            return policy(Files.readString(Path.of("examples/policy.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies {@code patch} with an independent JSON Patch implementation. */
    public static JsonNode apply(ArrayNode patch, JsonNode pod) {
        return JsonPatch.apply(patch, pod);
    }

    /** Decodes as a fabric8 Pod: the patched JSON must still be a Pod. */
    public static Pod asPod(JsonNode json) {
        return Serialization.unmarshal(json.toString(), Pod.class);
    }

    /** A minimal pod whose one volume is a hostPath of {@code path}. */
    public static ObjectNode podWithHostPath(String path) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "p");
        ObjectNode spec = pod.putObject("spec");
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        spec.putArray("volumes").addObject().put("name", "host").putObject("hostPath").put("path", path);
        return pod;
    }

    /**
     * What a real API server adds before mutating webhooks run: scheduling defaults, the
     * service-account token volume mounted in every container, and the default tolerations.
     */
    public static ObjectNode withApiServerDefaults(ObjectNode original) {
        ObjectNode pod = original.deepCopy();
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.put("dnsPolicy", "ClusterFirst").put("schedulerName", "default-scheduler").put("priority", 0)
                .put("enableServiceLinks", true).put("preemptionPolicy", "PreemptLowerPriority");
        if (!spec.has("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        ObjectNode token = spec.withArray("volumes").addObject().put("name", "kube-api-access-x7k2p");
        token.putObject("projected").put("defaultMode", 420).putArray("sources").addObject()
                .putObject("serviceAccountToken").put("expirationSeconds", 3607).put("path", "token");
        for (String list : new String[] {"containers", "initContainers"}) {
            if (spec.has(list)) {
                for (JsonNode container : spec.get(list)) {
                    ObjectNode c = (ObjectNode) container;
                    c.put("terminationMessagePath", "/dev/termination-log").put("terminationMessagePolicy", "File");
                    if (!c.has("imagePullPolicy")) {
                        c.put("imagePullPolicy", "IfNotPresent");
                    }
                    c.withArray("volumeMounts").addObject().put("name", "kube-api-access-x7k2p")
                            .put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount").put("readOnly", true);
                }
            }
        }
        ArrayNode tolerations = spec.withArray("tolerations");
        for (String key : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute")
                    .put("tolerationSeconds", 300);
        }
        return pod;
    }
}
