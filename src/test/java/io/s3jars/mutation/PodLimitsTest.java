package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.cluster.StaticClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.guard.PodGuard;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import io.s3jars.testing.Clusters;
import io.s3jars.testing.Fixtures;
import io.s3jars.testing.Nodes;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pods over a size limit are refused with the limit's name, by the engine and by the guard, before any work. */
class PodLimitsTest {

    private static final PolicySnapshot POLICY = Fixtures.testPolicy();
    private static final MutationEngine ENGINE = new MutationEngine();

    @Test
    void aHundredThousandContainersAreRefusedNotPatched() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ArrayNode containers = (ArrayNode) pod.at("/spec/containers");
        for (int i = 0; i < 100_000; i++) {
            containers.addObject().put("name", "c" + i);
        }
        Decision decision = ENGINE.decide(pod, "spark-team-a", Optional.of(POLICY), ClusterView.EMPTY);
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).code()).isEqualTo(422);
        assertThat(((Decision.Deny) decision).reason()).contains("S3JARS_LIMITS_MAX_CONTAINERS").contains("at most 64");
        PolicyStore store = new PolicyStore();
        store.offer(Fixtures.resource("/policy/test-policy.yaml"), "test");
        Decision verdict = new PodGuard(ENGINE).check(pod, "spark-team-a", store.inForce(), ClusterView.EMPTY);
        assertThat(verdict).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) verdict).reason()).contains("S3JARS_LIMITS_MAX_CONTAINERS");
    }

    @Test
    void eachLimitNamesItsSetting() {
        ObjectNode volumes = Fixtures.sparkPod(Fixtures.EXECUTOR);
        for (int i = 0; i < 300; i++) {
            volumes.with("spec").withArray("volumes").addObject().put("name", "v" + i).putObject("emptyDir");
        }
        assertThat(reason(volumes)).contains("more than 256 volumes").contains("S3JARS_LIMITS_MAX_VOLUMES");
        ObjectNode mounts = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ArrayNode list = ((ObjectNode) mounts.at("/spec/containers/0")).withArray("volumeMounts");
        for (int i = 0; i < 2_000; i++) {
            list.addObject().put("name", "spark-local-dir-1").put("mountPath", "/m" + i);
        }
        assertThat(reason(mounts)).contains("S3JARS_LIMITS_MAX_VOLUME_MOUNTS");
    }

    @Test
    void schedulingTermsAreBoundedAndAnInvalidNodeSelectorNeverReachesTheNodeIndex() {
        ObjectNode tolerant = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ArrayNode tolerations = tolerant.with("spec").putArray("tolerations");
        for (int i = 0; i < 65; i++) {
            tolerations.addObject().put("key", "k" + i).put("operator", "Exists");
        }
        assertThat(reason(tolerant)).contains("S3JARS_LIMITS_MAX_SCHEDULING_TERMS");
        ObjectNode pinned = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pinned.get("metadata")).withObject("annotations").put("s3jars.io/mode", "hostpath");
        pinned.with("spec").putObject("nodeSelector").put("pool", "x".repeat(1024 * 1024));
        AtomicInteger lookups = new AtomicInteger();
        ClusterView nodes = StaticClusterView.ofNodes(Nodes.readyNodes(1, Nodes.JARS_READY));
        ClusterView counting = Clusters.countingLookups(nodes, lookups);
        Decision decision = ENGINE.decide(pinned, "spark-team-a", Optional.of(POLICY), counting);
        assertThat(decision).isInstanceOf(Decision.Patch.class);
        assertThat(lookups.get()).as("a 1 MiB label value is no key of the node index").isZero();
    }

    @Test
    void aPatchOverItsLimitIsRefusedAndOneWithinItIsNot() {
        ObjectNode pod = Fixtures.sparkPod(Fixtures.EXECUTOR);
        ((ObjectNode) pod.get("metadata")).withObject("annotations").put("s3jars.io/mode", "hostpath");
        ArrayNode terms = pod.with("spec").withObject("affinity").withObject("nodeAffinity")
                .withObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
        for (int i = 0; i < 50; i++) {
            terms.addObject().putArray("matchExpressions").addObject().put("key", "zone").put("operator", "In")
                    .putArray("values").add("z" + i);
        }
        Decision within = ENGINE.decide(pod.deepCopy(), "spark-team-a", Optional.of(POLICY), ClusterView.EMPTY);
        assertThat(within).isInstanceOf(Decision.Patch.class);
        int operations = ((Decision.Patch) within).operations().size();
        Decision over = new MutationEngine(new PodLimits(64, 256, 1024, operations - 1))
                .decide(pod, "spark-team-a", Optional.of(POLICY), ClusterView.EMPTY);
        assertThat(over).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) over).reason()).contains(operations + " operations")
                .contains("S3JARS_LIMITS_MAX_PATCH_OPERATIONS");
    }

    private static String reason(ObjectNode pod) {
        Decision decision = ENGINE.decide(pod, "spark-team-a", Optional.of(POLICY), ClusterView.EMPTY);
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        return ((Decision.Deny) decision).reason();
    }
}
