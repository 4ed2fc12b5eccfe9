package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One step, on its own: the sidecar's privileges and command line. */
class MountS3SidecarStepTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();

    @Test
    void theCommandLineComesFromThePolicyOnly() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ObjectNode annotations = ((ObjectNode) pod.get("metadata")).withObject("annotations");
        annotations.put("s3jars.io/prefix", "../../etc/ --allow-root").put("s3jars.io/region", "us-east-1;rm -rf /")
                .put("s3jars.io/args", "--allow-delete");
        PodEditor editor = new PodEditor(pod);
        new MountS3SidecarStep().apply(plan("team-b-jars"), editor);
        JsonNode sidecar = editor.pod().at("/spec/initContainers/0");
        assertThat(sidecar.get("command").toString()).isEqualTo("[\"mount-s3\"]");
        assertThat(Fixtures.JSON.convertValue(sidecar.get("args"), List.class)).containsExactly("team-b-jars",
                "/s3jars/mnt", "--foreground", "--read-only", "--allow-other", "--metadata-ttl", "indefinite", "--cache",
                "/s3jars/cache", "--uid", "185", "--gid", "185", "--prefix", "jars/");
    }

    @Test
    void theSidecarGetsWhatFuseAndPropagationNeedAndTheSparkContainerOnlyReadOnly() {
        PodEditor editor = new PodEditor(Fixtures.sparkPod(Fixtures.EXECUTOR));
        new MountS3SidecarStep().apply(plan("spark-jars-bucket"), editor);
        JsonNode sidecar = editor.pod().at("/spec/initContainers/0");
        assertThat(sidecar.get("restartPolicy").asText()).isEqualTo("Always");
        assertThat(sidecar.get("securityContext").toString()).isEqualTo("{\"privileged\":true,\"runAsUser\":0}");
        assertThat(sidecar.at("/volumeMounts/0/mountPropagation").asText()).isEqualTo("Bidirectional");
        assertThat(sidecar.at("/startupProbe/exec/command").toString()).contains("mountpoint");
        JsonNode spark = editor.pod().at("/spec/containers/0");
        assertThat(spark.has("securityContext")).isFalse();
        JsonNode mount = spark.get("volumeMounts").get(spark.get("volumeMounts").size() - 1);
        assertThat(mount.toString()).isEqualTo("{\"name\":\"s3jars-spark-jars-bucket\",\"mountPath\":\"/mnt/s3\","
                + "\"readOnly\":true,\"mountPropagation\":\"HostToContainer\"}");
        assertThat(editor.pod().at("/spec/volumes").findValuesAsText("name"))
                .contains("s3jars-spark-jars-bucket", "s3jars-cache-spark-jars-bucket");
    }

    @Test
    void longAndDottedBucketNamesGiveValidStableNames() {
        String bucket = "a.very.long.bucket.name.with.many.dots.that.reaches.sixty.three";
        assertThat(bucket).hasSize(63);
        String name = BucketMount.dnsLabel("s3jars-mount-" + bucket);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(BucketMount.dnsLabel("s3jars-mount-" + bucket)).isEqualTo(name);
        assertThat(BucketMount.dnsLabel("s3jars-mount-" + bucket.replace("three", "thre3"))).isNotEqualTo(name);
    }

    private static InjectionPlan plan(String bucket) {
        return new InjectionPlan(io.s3jars.policy.Mode.SIDECAR, "test",
                List.of(new BucketMount(POLICY.bucket(bucket).orElseThrow(), "/mnt/s3")), POLICY.defaults());
    }
}
