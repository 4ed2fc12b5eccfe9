package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.s3jars.cluster.NodeMountPathAnnotation;
import io.s3jars.policy.PolicySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's loop against a node in memory, a mount table the test writes and real processes
 * standing in for mount-s3 (so exits are real): the order of labels, mounts and annotations.
 * The same loop on a real FUSE mount is {@code NodeAgentFuseIT}.
 */
class NodeAgentTest {

    @TempDir
    Path dir;

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String jarsPath = "/mnt/s3jars-test-" + id + "-jars";
    private final String libsPath = "/mnt/s3jars-test-" + id + "-libs";
    private final FakeNode node = new FakeNode();
    private final AtomicReference<PolicySnapshot> policy = new AtomicReference<>();
    private final AtomicReference<String> policyProblem = new AtomicReference<>();
    private final List<Process> started = new ArrayList<>();
    private final List<List<String>> commands = new ArrayList<>();
    private Path mountinfo;
    private Instant now = Instant.parse("2026-11-30T00:00:00Z");
    private NodeAgent agent;
    private AgentEvents events;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isWritable(Path.of("/mnt")), "needs a writable /mnt for the mount paths; skipped");
        mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, "22 1 253:1 / / rw - ext4 /dev/vda1 rw\n");
        policy.set(NodePlanTest.policy("buckets:\n  - {name: jars, nodeMountPath: " + jarsPath + "}\n"
                + "  - {name: libs, nodeMountPath: " + libsPath + "}\n"));
        AgentSettings settings = new AgentSettings("node-1", "mount-s3", "umount", dir.resolve("cache"), Optional.of("/mnt"), true,
                Duration.ofSeconds(1), Duration.ofSeconds(2), 0);
        events = new AgentEvents();
        PolicySource source = new PolicySource() {
            @Override
            public Optional<PolicySnapshot> current() {
                return Optional.ofNullable(policy.get());
            }

            @Override
            public Optional<String> problem() {
                return Optional.ofNullable(policyProblem.get());
            }

            @Override
            public void close() {
            }
        };
        agent = new NodeAgent(settings, source, node, new MountCheck(mountinfo, Duration.ofSeconds(2)), processes(),
                events, new Clock() {
                    @Override
                    public Instant instant() {
                        return now;
                    }

                    @Override
                    public java.time.ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }
                });
    }

    @AfterEach
    void stop() throws IOException {
        started.forEach(Process::destroyForcibly);
        Files.deleteIfExists(Path.of(jarsPath));
        Files.deleteIfExists(Path.of(libsPath));
    }

    @Test
    void mountsThenLabelsOnlyOnceLiveAndRecordsThePaths() {
        agent.round();
        assertThat(commands).hasSize(2).allMatch(c -> c.get(0).equals("mount-s3") && c.contains("--foreground"));
        assertThat(node.labels()).isEmpty();
        assertThat(node.annotations()).containsEntry(NodeMountPathAnnotation.KEY, jarsPath + "\n" + libsPath);

        agent.round();
        assertThat(node.labels()).containsEntry("mountpoint.s3jars.io/jars", "ready")
                .containsEntry("mountpoint.s3jars.io/libs", "ready");
        assertThat(agent.notReady()).isEmpty();
        assertThat(events.metricsText()).contains("s3jars_node_mount_live{bucket=\"jars\"} 1\n");

        int patches = node.patches.get();
        agent.round();
        assertThat(node.patches.get()).as("a node that says the truth is not patched").isEqualTo(patches);
    }

    @Test
    void aMountS3ThatDiesIsUnlabelledAtOnceAndRestartedAfterItsBackoff() throws Exception {
        agent.round();
        agent.round();
        Process jars = started.get(0);
        jars.destroyForcibly().waitFor();
        // A dead FUSE mount stays in the mount table but no longer answers a stat.
        Files.delete(Path.of(jarsPath));

        agent.round();
        assertThat(node.labels()).doesNotContainKey("mountpoint.s3jars.io/jars")
                .containsKey("mountpoint.s3jars.io/libs");
        assertThat(started).hasSize(2);

        now = now.plus(BucketMountSupervisor.FIRST_BACKOFF);
        agent.round();
        assertThat(started).as("restarted once its backoff is over").hasSize(3);
        assertThat(commands).anyMatch(c -> c.equals(List.of("umount", jarsPath)));
        agent.round();
        assertThat(node.labels()).containsKey("mountpoint.s3jars.io/jars");
        assertThat(events.metricsText()).contains("s3jars_node_mount_restarts_total{bucket=\"jars\"} 1\n");
    }

    @Test
    void aBucketLeavingThePolicyIsUnlabelledBeforeItIsUnmounted() throws IOException {
        agent.round();
        agent.round();
        policy.set(NodePlanTest.policy("buckets:\n  - {name: jars, nodeMountPath: " + jarsPath + "}\n"));
        node.refusing = true;
        agent.round();
        assertThat(started.get(1).isAlive()).as("not unmounted while the node may still say it is ready").isTrue();
        assertThat(Files.readString(mountinfo)).contains(libsPath);

        node.refusing = false;
        agent.round();
        assertThat(node.labels()).doesNotContainKey("mountpoint.s3jars.io/libs");
        assertThat(started.get(1).isAlive()).isFalse();
        assertThat(Files.readString(mountinfo)).doesNotContain(libsPath);

        agent.round();
        assertThat(node.annotations()).containsEntry(NodeMountPathAnnotation.KEY, jarsPath);
        assertThat(events.metricsText()).doesNotContain("bucket=\"libs\"");
    }

    @Test
    void aBucketOutsideTheMountRootIsNotMountedForTheNodeWouldNotSeeIt() {
        policy.set(NodePlanTest.policy("buckets:\n  - {name: jars, nodeMountPath: " + jarsPath + "}\n"
                + "  - {name: elsewhere, nodeMountPath: /srv/s3jars-test-" + id + "}\n"));
        agent.round();
        assertThat(commands).hasSize(1).allMatch(c -> c.get(1).equals("jars"));
        assertThat(agent.mounts()).containsOnlyKeys("jars");
    }

    @Test
    void readinessSaysWhyTheNodeOrThePolicyCannotBeRead() {
        node.unreadBecause = "watch /api/v1/nodes: HTTP 403";
        agent.round();
        assertThat(agent.notReady()).hasValue("node node-1 not read yet: watch /api/v1/nodes: HTTP 403");

        node.unreadBecause = null;
        policy.set(null);
        policyProblem.set("ConfigMap s3jars-system/s3jars-policy does not exist, keeping the last good policy");
        agent.round();
        assertThat(agent.notReady()).hasValue("no valid policy read yet: ConfigMap s3jars-system/s3jars-policy does not"
                + " exist, keeping the last good policy");
    }

    @Test
    void beforeAnyPolicyTheLabelsOfAnEarlierAgentGoAndItsRecordedPathsStay() {
        node.labels.put("mountpoint.s3jars.io/jars", "ready");
        node.annotations.put(NodeMarks.OWNED_LABELS, "mountpoint.s3jars.io/jars");
        node.annotations.put(NodeMountPathAnnotation.KEY, jarsPath);
        policy.set(null);
        agent.round();
        assertThat(node.labels()).isEmpty();
        assertThat(node.annotations()).containsEntry(NodeMountPathAnnotation.KEY, jarsPath)
                .doesNotContainKey(NodeMarks.OWNED_LABELS);
        assertThat(agent.notReady()).contains("no valid policy read yet");
        assertThat(commands).isEmpty();
    }

    @Test
    void aMountTheAgentDidNotMakeIsReplacedNotTrusted() throws IOException {
        Files.createDirectories(Path.of(jarsPath));
        Files.writeString(mountinfo, "39 22 0:49 / " + jarsPath + " ro - fuse.mount-s3 mountpoint-s3 ro\n",
                java.nio.file.StandardOpenOption.APPEND);
        agent.round();
        assertThat(node.labels()).doesNotContainKey("mountpoint.s3jars.io/jars");
        assertThat(commands).contains(List.of("umount", jarsPath));
        assertThat(commands.indexOf(List.of("umount", jarsPath)))
                .isLessThan(commands.indexOf(commands.stream().filter(c -> c.get(0).equals("mount-s3")
                        && c.get(1).equals("jars")).findFirst().orElseThrow()));
    }

    @Test
    void newMountReadyLabelsAloneRelabelAndKeepTheMount() {
        agent.round();
        agent.round();
        policy.set(NodePlanTest.policy("buckets:\n  - {name: jars, nodeMountPath: " + jarsPath
                + ", mountReadyLabels: {s3jars.example.com/jars: mounted}}\n  - {name: libs, nodeMountPath: " + libsPath
                + "}\n"));
        agent.round();
        assertThat(node.labels()).containsEntry("s3jars.example.com/jars", "mounted")
                .doesNotContainKey("mountpoint.s3jars.io/jars").containsKey("mountpoint.s3jars.io/libs");
        assertThat(started).hasSize(2).allMatch(Process::isAlive);
    }

    @Test
    void onStopTheLabelsGoAndTheMountsAndTheirPathsStay() {
        agent.round();
        agent.round();
        agent.unlabelAll();
        assertThat(node.labels()).isEmpty();
        assertThat(node.annotations()).containsEntry(NodeMountPathAnnotation.KEY, jarsPath + "\n" + libsPath)
                .doesNotContainKey(NodeMarks.OWNED_LABELS);
        assertThat(started).allMatch(Process::isAlive);
    }

    /** Starting "mount-s3" starts a sleeping process and adds its mount to the table; umount removes it. */
    private BucketMountSupervisor.Processes processes() {
        return new BucketMountSupervisor.Processes() {
            @Override
            public Process start(List<String> argv) throws IOException {
                commands.add(argv);
                Process process = new ProcessBuilder("sleep", "600").start();
                started.add(process);
                Files.writeString(mountinfo, "40 22 0:50 / " + argv.get(2) + " ro - fuse.mount-s3 mountpoint-s3 ro\n",
                        java.nio.file.StandardOpenOption.APPEND);
                return process;
            }

            @Override
            public int run(List<String> argv) throws IOException {
                commands.add(argv);
                String path = argv.get(argv.size() - 1);
                List<String> lines = new ArrayList<>(Files.readAllLines(mountinfo));
                lines.removeIf(line -> line.contains(" " + path + " "));
                Files.write(mountinfo, lines);
                return 0;
            }
        };
    }
}
