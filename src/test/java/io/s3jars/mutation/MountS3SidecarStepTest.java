package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.Sidecar;
import io.s3jars.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One step, on its own: the sidecar's privileges, command line and cache. Its names: {@link BucketMountNamesTest}. */
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
                "/s3jars/cache", "--max-cache-size", "1024", "--uid", "185", "--gid", "185", "--prefix", "jars/");
    }

    /** The pod may say runAsNonRoot for its own containers; the sidecar must still run as root. */
    @Test
    void theSidecarGetsWhatFuseAndPropagationNeedAndTheSparkContainerNothing() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("spec")).withObject("securityContext").put("runAsNonRoot", true);
        PodEditor editor = new PodEditor(pod);
        new MountS3SidecarStep().apply(plan("spark-jars-bucket"), editor);
        JsonNode sidecar = editor.pod().at("/spec/initContainers/0");
        assertThat(sidecar.get("restartPolicy").asText()).isEqualTo("Always");
        assertThat(sidecar.get("securityContext").toString())
                .isEqualTo("{\"privileged\":true,\"runAsUser\":0,\"runAsNonRoot\":false}");
        assertThat(sidecar.at("/volumeMounts/0/mountPropagation").asText()).isEqualTo("Bidirectional");
        assertThat(sidecar.at("/startupProbe/exec/command").toString()).contains("mountpoint");
        assertThat(editor.pod().at("/spec/containers")).isEqualTo(pod.at("/spec/containers"));
        assertThat(editor.pod().at("/spec/volumes").findValuesAsText("name"))
                .contains("s3jars-mnt-spark-jars-bucket", "s3jars-cache-spark-jars-bucket");
    }

    /** The cache is bounded by the policy, and its emptyDir leaves room for mount-s3 to overshoot a little. */
    @Test
    void theCacheSizeComesFromThePolicyAndBoundsTheCacheVolume() {
        PolicySnapshot policy = Fixtures.policy("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: sidecar, sidecar: {image: mount-s3:1, cacheSizeMiB: 1861}}
                buckets: [{name: spark-jars-bucket}, {name: small, nodeMountPath: /mnt/small, sidecar: {cacheSizeMiB: 100}}]
                bindings: [{namespaces: [spark-team-a], buckets: [spark-jars-bucket, small]}]
                """);
        record Case(String bucket, String maxCacheSize, String sizeLimit) {
        }
        for (Case c : List.of(new Case("spark-jars-bucket", "1861", "2Gi"), new Case("small", "100", "110Mi"))) {
            BucketMount mount = new BucketMount(policy.bucket(c.bucket()).orElseThrow(), "/mnt/s3");
            List<String> args = MountS3SidecarStep.arguments(mount.bucket());
            assertThat(args.get(args.indexOf("--max-cache-size") + 1)).as(c.bucket()).isEqualTo(c.maxCacheSize());
            assertThat(MountS3SidecarStep.cacheVolume(mount).at("/emptyDir/sizeLimit").asText()).as(c.bucket())
                    .isEqualTo(c.sizeLimit());
        }
        assertThat(Sidecar.DEFAULT.cacheSizeMiB()).isEqualTo(1024);
    }

    /** The API server stores quantities canonically; the reinvocation check compares what it stored. */
    @Test
    void cacheSizeLimitsAreWrittenAsTheApiServerStoresThem() {
        assertThat(MountS3SidecarStep.mebibytes(1127)).isEqualTo("1127Mi");
        assertThat(MountS3SidecarStep.mebibytes(2048)).isEqualTo("2Gi");
        assertThat(MountS3SidecarStep.mebibytes(1536)).isEqualTo("1536Mi");
        assertThat(MountS3SidecarStep.mebibytes(3 * 1024 * 1024)).isEqualTo("3Ti");
    }

    private static InjectionPlan plan(String bucket) {
        return new InjectionPlan(io.s3jars.policy.Mode.SIDECAR, "test",
                List.of(new BucketMount(POLICY.bucket(bucket).orElseThrow(), "/mnt/s3")), POLICY.defaults());
    }
}
