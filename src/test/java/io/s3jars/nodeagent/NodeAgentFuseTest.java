package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.s3jars.cluster.NodeMountPathAnnotation;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's whole loop on a real FUSE mount: {@code s3fs} against {@code s3rver} (a fake S3)
 * stands in for {@code mount-s3} against S3, through a script that takes mount-s3's arguments. The
 * node lives in fabric8's mock API server. Needs root, {@code /dev/fuse}, {@code s3fs} and
 * {@code s3rver} ({@code .ci/run} installs both); without them it is skipped and says why.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class NodeAgentFuseTest {

    private static final String NODE = "node-1";
    private static final String LABEL = "mountpoint.s3jars.io/spark-jars";

    @TempDir
    Path dir;

    KubernetesClient client;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final Path root = Path.of("/mnt/s3jars-fuse-" + id);
    private final Path mountPath = root.resolve("spark-jars");
    private Process s3rver;
    private NodeAgentProcess.Running agent;
    private Path policy;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse on this machine: the real FUSE test is skipped");
        assumeTrue(Files.isWritable(Path.of("/mnt")) && Files.isWritable(Path.of("/dev/fuse")),
                "FUSE mounts need root here: the real FUSE test is skipped");
        Optional<Path> s3fs = onPath("s3fs");
        assumeTrue(s3fs.isPresent(), "s3fs is not installed (apt-get install s3fs): the real FUSE test is skipped");
        Optional<Path> s3rverBin = Optional.ofNullable(System.getenv("S3JARS_TEST_S3RVER")).map(Path::of)
                .filter(Files::isExecutable).or(() -> onPath("s3rver"));
        assumeTrue(s3rverBin.isPresent(), "s3rver is not installed (npm install s3rver; S3JARS_TEST_S3RVER names"
                + " it): the real FUSE test is skipped");

        int port = freePort();
        Files.createDirectories(dir.resolve("s3"));
        s3rver = new ProcessBuilder(s3rverBin.get().toString(), "--directory", dir.resolve("s3").toString(),
                "--address", "127.0.0.1", "--port", Integer.toString(port), "--configure-bucket", "spark-jars")
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3rver.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        URI object = URI.create("http://127.0.0.1:" + port + "/spark-jars/jars/app.jar");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(object)
                .PUT(HttpRequest.BodyPublishers.ofString("jar bytes")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);

        Path credentials = dir.resolve("passwd");
        Files.writeString(credentials, "S3RVER:S3RVER\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        Path mountS3 = dir.resolve("mount-s3");
        Files.writeString(mountS3, standIn(s3fs.get(), "http://127.0.0.1:" + port, credentials, dir.resolve("calls")));
        Files.setPosixFilePermissions(mountS3, PosixFilePermissions.fromString("rwx------"));

        policy = dir.resolve("policy.yaml");
        Files.writeString(policy, policy("""
                  - name: spark-jars
                    prefix: jars/
                    nodeMountPath: %s
                """.formatted(mountPath)));
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build()).create();

        AgentSettings settings = new AgentSettings(NODE, mountS3.toString(), "umount", dir.resolve("cache"),
                Optional.of(root.toString()), true, Duration.ofMillis(250), Duration.ofSeconds(2), 0);
        AgentEvents events = new AgentEvents();
        agent = NodeAgentProcess.start(settings, ApiServer.at(client.getMasterUrl().toURI()), new FilePolicySource(policy, events), MountTable.PROC_MOUNTINFO,
                NodeAgentProcess.SYSTEM, events);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        if (s3rver != null) {
            s3rver.destroyForcibly().waitFor();
        }
        if (Files.exists(root)) {
            new ProcessBuilder("umount", "-l", mountPath.toString()).start().waitFor();
            Files.deleteIfExists(mountPath);
            Files.deleteIfExists(root);
        }
    }

    @Test
    void mountsLabelsNoticesADeadFuseProcessRemountsAndUnmountsABucketThePolicyDrops() throws Exception {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> labels().containsKey(LABEL));
        long mountToLabel = millisSince(start);
        assertThat(Files.readString(mountPath.resolve("app.jar"))).as("the bucket's jars/ prefix, read through FUSE")
                .isEqualTo("jar bytes");
        assertThat(mountType()).isEqualTo("fuse.s3fs");
        assertThat(Files.readString(dir.resolve("calls"))).contains("spark-jars " + mountPath + " --foreground"
                + " --read-only --allow-other --metadata-ttl indefinite", "--prefix jars/");
        assertThat(annotations()).containsEntry(NodeMountPathAnnotation.KEY, mountPath.toString());

        ProcessHandle fuse = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("s3fs")).findFirst().orElseThrow();
        long killed = System.nanoTime();
        fuse.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !labels().containsKey(LABEL));
        long deathToUnlabel = millisSince(killed);
        await().atMost(Duration.ofSeconds(20)).until(() -> labels().containsKey(LABEL));
        long deathToRelabel = millisSince(killed);
        assertThat(Files.readString(mountPath.resolve("app.jar"))).isEqualTo("jar bytes");

        long edited = System.nanoTime();
        Files.writeString(policy, policy("""
                  - name: other-jars
                    nodeMountPath: %s/other
                    node: {selector: {pool: elsewhere}}
                """.formatted(root)));
        await().atMost(Duration.ofSeconds(20)).until(() -> !labels().containsKey(LABEL) && mountType() == null);
        long editToUnmount = millisSince(edited);
        await().atMost(Duration.ofSeconds(5)).until(() -> !annotations().containsKey(NodeMountPathAnnotation.KEY));
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("s3fs")))
                .isEmpty();

        System.out.printf("node agent on a real FUSE mount (interval 250 ms): mount to label %d ms, FUSE death to"
                + " unlabel %d ms, to label again after remount %d ms, policy edit to unlabel and unmount %d ms%n",
                mountToLabel, deathToUnlabel, deathToRelabel, editToUnmount);
    }

    /** The node's labels; fabric8's mock keeps the keys a merge patch sets to null, which the API server removes. */
    private Map<String, String> labels() {
        Node node = client.nodes().withName(NODE).get();
        return withValues(node.getMetadata().getLabels());
    }

    private Map<String, String> annotations() {
        Node node = client.nodes().withName(NODE).get();
        return withValues(node.getMetadata().getAnnotations());
    }

    private static Map<String, String> withValues(Map<String, String> entries) {
        Map<String, String> present = new java.util.HashMap<>();
        Optional.ofNullable(entries).orElse(Map.of()).forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        return present;
    }

    private String mountType() throws IOException {
        return MountTable.read(MountTable.PROC_MOUNTINFO).get(mountPath.toString());
    }

    private static String policy(String buckets) {
        return "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\ndefaults: {mode: hostpath, allowModeOverride: false}\n"
                + "buckets:\n" + buckets + "bindings: []\n";
    }

    /**
     * mount-s3's command line, run as s3fs: the bucket and its prefix, the mount point, read-only,
     * allow_other, in the foreground ({@code exec}: killing the process kills the FUSE server).
     */
    private static String standIn(Path s3fs, String url, Path credentials, Path calls) {
        return """
                #!/bin/sh
                echo "$*" >> %s
                bucket=$1; mountpoint=$2; shift 2; prefix=
                while [ $# -gt 0 ]; do
                  case $1 in
                    --prefix) prefix=$2; shift ;;
                    --region|--cache|--max-cache-size|--metadata-ttl) shift ;;
                  esac
                  shift
                done
                source=$bucket
                [ -n "$prefix" ] && source=$bucket:/${prefix%%/}
                exec %s "$source" "$mountpoint" -f -o url=%s,use_path_request_style,passwd_file=%s,ro,allow_other
                """.formatted(calls, s3fs, url, credentials);
    }

    private static Optional<Path> onPath(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(entry, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
