package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodePlanTest {

    private static final String HEADER = "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\n";
    private static final String BUCKETS = """
            buckets:
              - name: jars
                nodeMountPath: /mnt/s3
              - name: team-b-jars
                region: eu-west-1
                prefix: jars/
                nodeMountPath: /mnt/s3-team-b
                mountReadyLabels: {team-b.example.com/jars: mounted}
                node: {selector: {pool: spark}, cacheSizeMiB: 2048}
            """;

    @Test
    void everyNodeMountsABucketWithoutSelectorAndOnlyMatchingNodesTheOthers() {
        PolicySnapshot policy = policy(BUCKETS);
        assertThat(NodePlan.of(policy, Map.of()).keySet()).containsExactly("jars");
        assertThat(NodePlan.of(policy, Map.of("pool", "spark")).keySet()).containsExactly("jars", "team-b-jars");
        NodeMount teamB = NodePlan.of(policy, Map.of("pool", "spark")).get("team-b-jars");
        assertThat(teamB).isEqualTo(new NodeMount("team-b-jars", "/mnt/s3-team-b", Optional.of("eu-west-1"),
                Optional.of("jars/"), 2048, Map.of("team-b.example.com/jars", "mounted")));
        assertThat(NodePlan.of(policy, Map.of()).get("jars").readyLabels())
                .isEqualTo(Map.of("mountpoint.s3jars.io/jars", "ready"));
    }

    @Test
    void aPolicyThatNeverUsesHostpathMountsNothingOnNodes() {
        assertThat(NodePlan.of(policy("defaults: {mode: sidecar, allowModeOverride: false, sidecar: {image: i}}\n"
                + BUCKETS), Map.of("pool", "spark"))).isEmpty();
        assertThat(NodePlan.of(policy("defaults: {mode: auto, autoOrder: [csi, sidecar], allowModeOverride: false,"
                + " sidecar: {image: i}}\n" + BUCKETS), Map.of())).isEmpty();
        assertThat(NodePlan.of(policy("defaults: {mode: sidecar, sidecar: {image: i}}\n" + BUCKETS), Map.of()))
                .containsOnlyKeys("jars");
        assertThat(NodePlan.of(policy("defaults: {mode: hostpath, allowModeOverride: false}\n" + BUCKETS), Map.of()))
                .containsOnlyKeys("jars");
    }

    @Test
    void mountS3RunsInTheForegroundReadOnlyWithTheBucketsOptionsAndItsOwnCache() {
        NodeMount teamB = NodePlan.of(policy(BUCKETS), Map.of("pool", "spark")).get("team-b-jars");
        assertThat(MountS3Command.argv("/usr/bin/mount-s3", teamB, Path.of("/var/cache/s3jars/team-b-jars")))
                .isEqualTo(List.of("/usr/bin/mount-s3", "team-b-jars", "/mnt/s3-team-b", "--foreground", "--read-only",
                        "--allow-other", "--metadata-ttl", "indefinite", "--cache", "/var/cache/s3jars/team-b-jars",
                        "--max-cache-size", "2048", "--region", "eu-west-1", "--prefix", "jars/"));
        NodeMount jars = NodePlan.of(policy(BUCKETS), Map.of()).get("jars");
        assertThat(MountS3Command.argv("mount-s3", jars, Path.of("/c/jars"))).doesNotContain("--region", "--prefix")
                .contains("10240");
    }

    static PolicySnapshot policy(String body) {
        PolicyResult result = PolicyParser.parse(HEADER + (body.contains("defaults:") ? ""
                : "defaults: {sidecar: {image: registry.example.com/mount-s3:1}}\n") + body);
        assertThat(result).as(() -> result.toString()).isInstanceOf(PolicyResult.Valid.class);
        return ((PolicyResult.Valid) result).policy();
    }
}
