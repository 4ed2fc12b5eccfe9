package io.s3jars.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.LocalTlsTestResource;
import io.s3jars.testing.WebhookClient;
import java.io.OutputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile and broken requests. Each gets its exact answer, and after each the server
 * still answers a good request.
 */
@QuarkusTest
@QuarkusTestResource(LocalTlsTestResource.class)
class HostileInputTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    /** expected: an HTTP status, and for 200 the AdmissionReview answer ("allowed", "patched" or a denial code). */
    record Case(String name, String contentType, byte[] body, int status, String answer) {
    }

    static List<Case> corpus() {
        String good = review(r -> { });
        List<Case> cases = new ArrayList<>();
        cases.add(bad("invalid JSON", "{\"kind\": AdmissionReview}"));
        cases.add(bad("truncated body", good.substring(0, good.length() / 2)));
        cases.add(bad("empty body", ""));
        cases.add(new Case("wrong content type", "text/plain", bytes(good), 415, null));
        cases.add(new Case("form content type", "application/x-www-form-urlencoded", bytes(good), 415, null));
        cases.add(bad("v1beta1 review", review(r -> r.put("apiVersion", "admission.k8s.io/v1beta1"))));
        cases.add(bad("not a review", review(r -> r.put("kind", "Pod"))));
        cases.add(bad("deployments instead of pods", review(r -> ((ObjectNode) r.at("/request/resource"))
                .put("group", "apps").put("resource", "deployments"))));
        cases.add(bad("configmaps to /mutate", review(r -> ((ObjectNode) r.at("/request/resource")).put("resource", "configmaps"))));
        cases.add(bad("missing uid", review(r -> ((ObjectNode) r.get("request")).remove("uid"))));
        cases.add(bad("empty uid", review(r -> ((ObjectNode) r.get("request")).put("uid", ""))));
        cases.add(bad("numeric uid", review(r -> ((ObjectNode) r.get("request")).put("uid", 42))));
        cases.add(bad("object null", review(r -> ((ObjectNode) r.get("request")).putNull("object"))));
        cases.add(bad("object is a string", review(r -> ((ObjectNode) r.get("request")).put("object", "pod"))));
        cases.add(bad("request is an array", review(r -> r.putArray("request"))));
        cases.add(bad("nested 10,000 levels", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)));
        cases.add(bad("a second document after the review", good + "{}"));
        cases.add(bad("duplicate keys", good.replaceFirst("\"kind\"", "\"kind\":\"x\",\"kind\"")));
        cases.add(bad("duplicate bucket label in the pod", good.replaceFirst("\"s3jars.io/bucket\"",
                "\"s3jars.io/bucket\":\"other-bucket\",\"s3jars.io/bucket\"")));
        cases.add(new Case("non-UTF-8 bytes", "application/json", concat(bytes(good.substring(0, 40)),
                new byte[] {(byte) 0xC3, (byte) 0x28}, bytes(good.substring(40))), 400, null));
        cases.add(new Case("3 MiB + 1 body", "application/json", new byte[3 * 1024 * 1024 + 1], 413, null));
        cases.add(new Case("2 MiB label value", "application/json", bytes(review(r -> labels(r)
                .put("s3jars.io/bucket", "x".repeat(2 * 1024 * 1024)))), 200, "422"));
        cases.add(new Case("label as a number", "application/json", bytes(review(r -> labels(r).put("s3jars.io/bucket", 7))),
                200, "422"));
        // Not a pod the API server could send: refused as a bad review, never read as a pod without labels.
        cases.add(bad("labels as a list", review(r -> ((ObjectNode) r.at("/request/object/metadata")).putArray("labels"))));
        cases.add(bad("spec as a list", review(r -> ((ObjectNode) r.at("/request/object")).putArray("spec"))));
        cases.add(bad("metadata as a string", review(r -> ((ObjectNode) r.at("/request/object")).put("metadata", "x"))));
        cases.add(bad("volumes as an object", review(r -> ((ObjectNode) r.at("/request/object/spec"))
                .putObject("volumes").put("name", "x"))));
        cases.add(bad("hostPath.path as a number", review(r -> ((ObjectNode) r.at("/request/object/spec"))
                .withArray("volumes").addObject().put("name", "h").putObject("hostPath").put("path", 5))));
        cases.add(bad("operation in lower case", review(r -> ((ObjectNode) r.get("request")).put("operation", "create"))));
        cases.add(bad("namespace as a number", review(r -> ((ObjectNode) r.get("request")).put("namespace", 5))));
        // hostpath, so the affinity step walks these paths (the test policy's default gives a sidecar here)
        cases.add(new Case("affinity as a list", "application/json", bytes(review(r -> {
            annotations(r).put("s3jars.io/mode", "hostpath");
            ((ObjectNode) r.at("/request/object/spec")).putArray("affinity");
        })), 200, "422"));
        cases.add(new Case("required node affinity as a list", "application/json", bytes(review(r -> {
            annotations(r).put("s3jars.io/mode", "hostpath");
            ((ObjectNode) r.at("/request/object/spec")).withObject("affinity").withObject("nodeAffinity")
                    .putArray("requiredDuringSchedulingIgnoredDuringExecution");
        })), 200, "422"));
        cases.add(new Case("inject label as boolean", "application/json", bytes(review(r -> labels(r).put("s3jars.io/inject", true))),
                200, "422"));
        for (String bucket : List.of("../etc", "spark-jars-bucket/../x", "x".repeat(1000), "SPARK-JARS-BUCKET",
                "spаrk-jars-bucket", " spark-jars-bucket", "spark-jars-bucket ", "spark_jars_bucket", "192.168.1.1", "")) {
            cases.add(new Case("bucket '" + shorten(bucket) + "'", "application/json", bytes(review(r -> labels(r)
                    .put("s3jars.io/bucket", bucket))), 200, "422"));
        }
        cases.add(new Case("buckets with empty items", "application/json", bytes(review(r -> {
            labels(r).remove("s3jars.io/bucket");
            annotations(r).put("s3jars.io/buckets", "spark-jars-bucket,,");
        })), 200, "422"));
        cases.add(new Case("500 buckets", "application/json", bytes(review(r -> {
            labels(r).remove("s3jars.io/bucket");
            annotations(r).put("s3jars.io/buckets", String.join(",", java.util.Collections.nCopies(500, "spark-jars-bucket")));
        })), 200, "422"));
        cases.add(new Case("forbidden bucket among allowed", "application/json", bytes(review(r -> {
            labels(r).remove("s3jars.io/bucket");
            annotations(r).put("s3jars.io/buckets", "spark-jars-bucket,team-b-jars");
        })), 200, "403"));
        for (String operation : List.of("UPDATE", "DELETE", "CONNECT")) {
            cases.add(new Case(operation, "application/json", bytes(review(r -> {
                ((ObjectNode) r.get("request")).put("operation", operation);
                if (!operation.equals("UPDATE")) {
                    ((ObjectNode) r.get("request")).remove("object");
                }
            })), 200, "allowed"));
        }
        cases.add(new Case("missing operation", "application/json", bytes(review(r -> ((ObjectNode) r.get("request"))
                .remove("operation"))), 400, null));
        cases.add(new Case("the good review", "application/json", bytes(good), 200, "patched"));
        return cases;
    }

    @Test
    void everyHostileRequestGetsItsExactAnswerAndTheServerKeepsServing() throws Exception {
        WebhookClient client = new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"));
        byte[] good = bytes(review(r -> { }));
        List<Case> corpus = corpus();
        for (Case c : corpus) {
            HttpResponse<String> response = client.post(mutate, c.contentType(), c.body(), c.status() == 413);
            assertThat(response.statusCode()).as(c.name() + ": " + shorten(response.body())).isEqualTo(c.status());
            if (c.answer() != null) {
                JsonNode answer = Fixtures.JSON.readTree(response.body()).get("response");
                switch (c.answer()) {
                    case "allowed" -> assertThat(answer.path("allowed").asBoolean()).as(c.name()).isTrue();
                    case "patched" -> assertThat(answer.has("patch")).as(c.name()).isTrue();
                    default -> assertThat(answer.at("/status/code").asText()).as(c.name() + ": " + answer).isEqualTo(c.answer());
                }
            }
            assertThat(client.post(mutate, "application/json", good).statusCode()).as("after " + c.name()).isEqualTo(200);
        }
        System.out.println("hostile inputs tried: " + corpus.size());
    }

    /** Connections that trickle a byte at a time hold no worker: good requests are answered meanwhile. */
    @Test
    void slowClientsDoNotPinTheServer() throws Exception {
        List<SSLSocket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                SSLSocket socket = (SSLSocket) WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"))
                        .getSocketFactory().createSocket("localhost", mutate.getPort());
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }
            WebhookClient client = new WebhookClient(LocalTlsTestResource.dir.resolve("ca.crt"));
            byte[] good = bytes(review(r -> { }));
            for (int i = 0; i < 20; i++) {
                for (SSLSocket socket : slow) {
                    socket.getOutputStream().write(' ');
                    socket.getOutputStream().flush();
                }
                long start = System.nanoTime();
                assertThat(client.post(mutate, "application/json", good).statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
        } finally {
            for (SSLSocket socket : slow) {
                socket.close();
            }
        }
    }

    /** A body trickled past the deadline ends with the connection closed, not held open. */
    @Test
    void aBodyThatNeverEndsIsCutOffAtTheDeadline() throws Exception {
        SSLSocket socket = (SSLSocket) WebhookClient.trusting(LocalTlsTestResource.dir.resolve("ca.crt"))
                .getSocketFactory().createSocket("localhost", mutate.getPort());
        try {
            socket.startHandshake();
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(25)) < 0) {
                try {
                    out.write(' ');
                    out.flush();
                    closed = socket.getInputStream().available() < 0;
                    Thread.sleep(500);
                } catch (java.io.IOException e) {
                    closed = true;
                }
            }
            assertThat(closed).as("connection closed by the server").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(9_000));
        } finally {
            socket.close();
        }
    }

    private static Case bad(String name, String body) {
        return new Case(name, "application/json", bytes(body), 400, null);
    }

    private static String review(Consumer<ObjectNode> change) {
        ObjectNode review = (ObjectNode) Fixtures.resourceJson("/spark-pods/review-b-executor-1.json");
        change.accept(review);
        return review.toString();
    }

    private static ObjectNode labels(ObjectNode review) {
        return ((ObjectNode) review.at("/request/object/metadata")).withObject("labels");
    }

    private static ObjectNode annotations(ObjectNode review) {
        return ((ObjectNode) review.at("/request/object/metadata")).withObject("annotations");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
