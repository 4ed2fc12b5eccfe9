package io.s3jars.admission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** {@code /validate}: policy ConfigMap edits and the hostPath guard, over HTTPS. */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
class ValidateEndpointTest {

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @Test
    void aBrokenPolicyEditIsDeniedWithTheFieldPath() {
        String broken = Fixtures.resource("/policy/test-policy.yaml").replace("region: us-west-2", "region: mars");
        post(configMapReview("s3jars-system", "s3jars-policy", "policy.yaml", broken, "UPDATE"))
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(422))
                .body("response.status.message", containsString("buckets[0].region 'mars' is not an AWS region"))
                .body("response.status.message", containsString("the last good policy stays in force"));
    }

    @Test
    void aGoodPolicyEditAndOtherConfigMapsAreAllowed() {
        String good = Fixtures.resource("/policy/test-policy.yaml");
        post(configMapReview("s3jars-system", "s3jars-policy", "policy.yaml", good, "CREATE"))
                .body("response.allowed", equalTo(true));
        post(configMapReview("s3jars-system", "other", "policy.yaml", "not: [a policy", "CREATE"))
                .body("response.allowed", equalTo(true));
        post(configMapReview("team-a", "s3jars-policy", "policy.yaml", "not: [a policy", "CREATE"))
                .body("response.allowed", equalTo(true));
        post(configMapReview("s3jars-system", "s3jars-policy", "policy.yaml", "not: [a policy", "DELETE"))
                .body("response.allowed", equalTo(true));
    }

    @Test
    void aPolicyConfigMapWithoutTheKeyIsDenied() {
        post(configMapReview("s3jars-system", "s3jars-policy", "policy.yml", "x", "CREATE"))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", containsString("must hold the policy under data.policy.yaml"));
    }

    @Test
    void theGuardDeniesEveryNodeMountNotInjectedByS3jars() {
        post(podReview("web", "/mnt//s3/jars/")).body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(403))
                .body("response.status.message", containsString("reaches /mnt/s3, the node mount of bucket spark-jars-bucket"));
        // Granted the bucket or not, a namespace gets it by injection, never by its own hostPath.
        post(podReview("spark-team-a", "/mnt/s3")).body("response.allowed", equalTo(false));
        post(podReview("web", "/var/log")).body("response.allowed", equalTo(true));
    }

    private ValidatableResponse post(String body) {
        return given().relaxedHTTPSValidation().contentType("application/json").body(body).post(validate).then()
                .statusCode(200);
    }

    private static String configMapReview(String namespace, String name, String key, String value, String operation) {
        ObjectNode configMap = Fixtures.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        configMap.putObject("metadata").put("name", name).put("namespace", namespace);
        configMap.putObject("data").put(key, value);
        return review("configmaps", namespace, name, operation, configMap);
    }

    private static String podReview(String namespace, String hostPath) {
        ObjectNode pod = Fixtures.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("generateName", "reader-");
        ObjectNode spec = pod.putObject("spec");
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        spec.putArray("volumes").addObject().put("name", "jars").putObject("hostPath").put("path", hostPath);
        return review("pods", namespace, "", "CREATE", pod);
    }

    private static String review(String resource, String namespace, String name, String operation, ObjectNode object) {
        ObjectNode review = Fixtures.JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1")
                .put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "u-1").put("namespace", namespace)
                .put("name", name).put("operation", operation);
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", resource);
        if (!operation.equals("DELETE")) {
            request.set("object", object);
        }
        return review.toString();
    }
}
