package io.s3jars.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.WebhookClient;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The webhook over real HTTPS, with the recorded AdmissionReviews of real Spark pods. */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
class MutateEndpointTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Test
    void patchesARealExecutorReviewAndEchoesTheUid() throws Exception {
        ObjectNode review = review("review-b-executor-1.json");
        Response response = post(review.toString());
        response.then().statusCode(200)
                .body("apiVersion", equalTo("admission.k8s.io/v1"))
                .body("kind", equalTo("AdmissionReview"))
                .body("response.uid", equalTo(review.at("/request/uid").asText()))
                .body("response.allowed", equalTo(true))
                .body("response.patchType", equalTo("JSONPatch"))
                .body("response.warnings[0]", containsString("auto chose sidecar"));
        ArrayNode patch = (ArrayNode) Fixtures.JSON.readTree(Base64.getDecoder().decode(
                response.jsonPath().getString("response.patch")));
        JsonNode pod = Fixtures.apply(patch, review.at("/request/object"));
        assertThat(Fixtures.asPod(pod).getSpec().getInitContainers()).anyMatch(c -> c.getName().equals(
                "s3jars-mount-spark-jars-bucket"));
    }

    @Test
    void deniesABucketTheNamespaceMayNotUse() {
        ObjectNode review = review("review-a-driver.json");
        ((ObjectNode) review.get("request")).put("namespace", "spark-team-b");
        post(review.toString()).then().statusCode(200)
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(403))
                .body("response.status.message", containsString("namespace spark-team-b"))
                .body("response.status.message", containsString("may not use bucket spark-jars-bucket"))
                .body("response.patch", nullValue());
    }

    @Test
    void dryRunGetsTheSameAnswer() {
        ObjectNode review = review("review-a-driver.json");
        String wet = post(review.toString()).jsonPath().getString("response.patch");
        ((ObjectNode) review.get("request")).put("dryRun", true);
        post(review.toString()).then().statusCode(200).body("response.patch", equalTo(wet));
    }

    @Test
    void otherOperationsAreAllowedUntouched() {
        ObjectNode review = review("review-a-driver.json");
        ((ObjectNode) review.get("request")).put("operation", "UPDATE");
        post(review.toString()).then().statusCode(200).body("response.allowed", equalTo(true))
                .body("response.patch", nullValue());
    }

    @Test
    void badReviewsGet400WithAReasonAndTheServerKeepsServing() {
        ObjectNode noUid = review("review-a-driver.json");
        ((ObjectNode) noUid.get("request")).remove("uid");
        ObjectNode beta = review("review-a-driver.json").put("apiVersion", "admission.k8s.io/v1beta1");
        ObjectNode configMap = review("review-a-driver.json");
        ((ObjectNode) configMap.at("/request/resource")).put("resource", "configmaps");
        ObjectNode noObject = review("review-a-driver.json");
        ((ObjectNode) noObject.get("request")).remove("object");
        ObjectNode hugeNamespace = review("review-a-driver.json");
        ((ObjectNode) hugeNamespace.get("request")).put("namespace", "spark-team-" + "a".repeat(100_000));
        String[][] cases = {
            {"{not json", "body is not valid JSON"},
            {"", "empty body"},
            {"[]", "must be a JSON object"},
            {noUid.toString(), "request.uid is missing or empty"},
            {beta.toString(), "apiVersion must be admission.k8s.io/v1, got 'admission.k8s.io/v1beta1'"},
            {configMap.toString(), "this endpoint reviews pods, not resource 'configmaps'"},
            {noObject.toString(), "request.object is missing for a CREATE"},
            {hugeNamespace.toString(), "request.namespace must be a namespace name"},
            {"{\"kind\":\"AdmissionReview\",\"kind\":\"AdmissionReview\"}", "duplicate key 'kind'"},
            {"[".repeat(10_000), "nesting depth"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = client().post(mutate, "application/json", c[0].getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).as(c[1]).isEqualTo(400);
            assertThat(response.body()).contains(c[1]);
        }
        post(review("review-a-driver.json").toString()).then().statusCode(200).body("response.allowed", equalTo(true));
    }

    @Test
    void bodiesOverThreeMebibytesGet413AndWrongContentTypeGets415() {
        byte[] overLimit = new byte[3 * 1024 * 1024 + 1];
        java.util.Arrays.fill(overLimit, (byte) ' ');
        assertThat(client().post(mutate, "application/json", overLimit, true).statusCode()).isEqualTo(413);
        byte[] review = review("review-a-driver.json").toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> form = client().post(mutate, "application/x-www-form-urlencoded", review);
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).isEqualTo("expected Content-Type application/json, got application/x-www-form-urlencoded");
    }

    @Test
    void aBodyWithoutContentTypeGets415() {
        byte[] review = review("review-a-driver.json").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(client().post(mutate, null, review).statusCode()).isEqualTo(415);
    }

    @Test
    void onlyPostIsAnswered() {
        given().relaxedHTTPSValidation().get(mutate).then().statusCode(405);
        given().relaxedHTTPSValidation().contentType("application/json").body("{}").put(mutate).then().statusCode(405);
    }

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void admissionsAreCountedByOutcomeModeAndBucketWithSubMillisecondBuckets() {
        post(review("review-b-executor-1.json").toString()).then().statusCode(200);
        String text = given().get(metrics).then().statusCode(200).extract().asString();
        assertThat(text).contains("s3jars_admissions_total{bucket=\"spark-jars-bucket\",endpoint=\"/mutate\",mode=\"sidecar\","
                + "outcome=\"patched\"}");
        assertThat(text).contains("s3jars_admission_duration_seconds_bucket{endpoint=\"/mutate\",outcome=\"patched\",le=\"1.0E-4\"}");
        assertThat(text).contains("s3jars_policy_generation 1.0").contains("s3jars_policy_reload_failures_total 0.0")
                .contains("s3jars_tls_certificate_expiry_timestamp_seconds")
                // local mode without a nodes file: every bucket of the policy, no mount-ready node
                .contains("s3jars_mount_ready_nodes{bucket=\"spark-jars-bucket\"} 0.0")
                .contains("s3jars_mount_ready_nodes{bucket=\"shared.libs\"} 0.0");
    }

    @Test
    void healthIsOnTheManagementPortOnly() {
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 's3jars-policy' }.data.origin", containsString("test-policy.yaml"))
                .body("checks.find { it.name == 's3jars-webhook-port' }.status", equalTo("UP"));
        given().relaxedHTTPSValidation().get(mutate.toString().replace("/mutate", "/q/health/ready"))
                .then().statusCode(404);
    }

    private static WebhookClient client() {
        return new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"));
    }

    private Response post(String body) {
        return given().relaxedHTTPSValidation().contentType("application/json").body(body).post(mutate);
    }

    private static ObjectNode review(String file) {
        return (ObjectNode) Fixtures.resourceJson("/spark-pods/" + file);
    }
}
