package io.s3jars.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.testing.Fixtures;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

    private static final String HEADER = "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\n";

    @Test
    void examplePolicyGrantsTeamAAndNotTeamB() {
        PolicySnapshot policy = Fixtures.examplePolicy();
        Bucket bucket = policy.bucket("spark-jars-bucket").orElseThrow();
        assertThat(bucket.nodeMountPath()).isEqualTo("/mnt/s3");
        assertThat(bucket.mountReadyLabels()).containsExactlyEntriesOf(
                java.util.Map.of("mountpoint.s3jars.io/spark-jars-bucket", "ready"));
        assertThat(policy.defaults().allowModeOverride()).isTrue();
        assertThat(policy.allowedBuckets("spark-team-a", "spark-team-a")).containsExactly("spark-jars-bucket");
        assertThat(policy.allowedBuckets("spark-team-b", "spark-team-a")).isEmpty();
    }

    @Test
    void defaultsApplyWhenOmitted() {
        PolicySnapshot policy = valid(HEADER + """
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets: [{name: jars}]
                bindings: [{namespaces: [a], buckets: [jars]}]
                """);
        assertThat(policy.defaults().mountPath()).isEqualTo("/mnt/s3");
        assertThat(policy.defaults().sparkContainers()).contains("spark-kubernetes-executor");
        Bucket jars = policy.bucket("jars").orElseThrow();
        assertThat(jars.nodeMountPath()).isEqualTo("/mnt/s3");
        assertThat(jars.mountReadyLabels()).containsEntry("mountpoint.s3jars.io/jars", "ready");
        assertThat(jars.sidecar().image()).isEmpty();
    }

    @Test
    void unknownFieldsAreErrorsWithTheirPath() {
        assertThat(errors(HEADER + """
                defaults: {mode: auto, mountpath: /x, sidecar: {image: i, imge: j}}
                buckets: [{name: jars, regoin: us-west-2}]
                bindings: [{namespaces: [a], buckets: [jars], namespace: b}]
                """)).contains(
                "defaults.mountpath is not a known field (known: allowModeOverride, autoOrder, csi, excludeContainers, mode, mountPath,"
                        + " sidecar, sparkContainers)",
                "defaults.sidecar.imge is not a known field (known: allowRootSidecar, cacheSizeMiB, gid, image,"
                        + " imagePullPolicy, nativeSidecar, resources, uid)",
                "buckets[0].regoin is not a known field (known: csi, mountReadyLabels, name, node, nodeMountPath, prefix,"
                        + " region, sidecar)",
                "bindings[0].namespace is not a known field (known: buckets, name, namespaces, serviceAccounts)");
    }

    @Test
    void invalidValuesNameFieldAndProblem() {
        List<String> errors = errors(HEADER + """
                defaults:
                  mode: fast
                  mountPath: mnt/s3
                  allowModeOverride: "yes"
                  sidecar: {image: "a b", imagePullPolicy: Sometimes, uid: -1, resources: {requests: {cpu: lots}}}
                buckets:
                  - name: Bad_Bucket
                  - name: jars
                    region: mars
                    prefix: /jars
                    nodeMountPath: /mnt/../etc
                    mountReadyLabels: {"-bad": ready}
                bindings:
                  - namespaces: [Team-A]
                    serviceAccounts: []
                    buckets: [other]
                """);
        assertThat(errors).contains(
                "defaults.mode 'fast' must be one of auto|hostpath|sidecar|csi",
                "defaults.mountPath 'mnt/s3' must be an absolute path without a trailing '/' or '//' (and not '/')",
                "defaults.allowModeOverride must be true or false",
                "defaults.sidecar.image 'a b' is not an image reference",
                "defaults.sidecar.imagePullPolicy 'Sometimes' must be one of Always, IfNotPresent, Never",
                "defaults.sidecar.uid must be an integer from 0 to 2147483647",
                "defaults.sidecar.resources.requests.cpu 'lots' is not a Kubernetes quantity such as 100m, 256Mi or 1",
                "buckets[1].region 'mars' is not an AWS region such as us-west-2",
                "buckets[1].prefix '/jars' must not start with '/': write the key prefix as S3 keys start, such as jars/",
                "buckets[1].nodeMountPath '/mnt/../etc' must not contain '.' or '..' segments",
                "bindings[0].namespaces[0] 'Team-A' is not a namespace name or glob (lowercase letters, digits, '-',"
                        + " '*', '?'; at most 63)",
                "bindings[0].serviceAccounts must list at least one service account (omit it to allow any)",
                "bindings[0].buckets[0] 'other' is not declared under buckets");
        assertThat(errors).anyMatch(e -> e.startsWith("buckets[0].name 'Bad_Bucket' is not a valid S3 bucket name"));
        assertThat(errors).anyMatch(e -> e.startsWith("buckets[1].mountReadyLabels.-bad key is not a valid label key"));
    }

    @Test
    void cacheSizeIsAPositiveIntegerOfMiBInheritedFieldByField() {
        PolicySnapshot policy = valid(HEADER + """
                defaults: {sidecar: {image: mount-s3:1, cacheSizeMiB: 4096}}
                buckets:
                  - {name: jars}
                  - {name: libs, nodeMountPath: /mnt/libs, sidecar: {cacheSizeMiB: 256}}
                  - {name: other, nodeMountPath: /mnt/other, sidecar: {uid: 1}}
                """);
        assertThat(policy.bucket("jars").orElseThrow().sidecar().cacheSizeMiB()).isEqualTo(4096);
        assertThat(policy.bucket("libs").orElseThrow().sidecar().cacheSizeMiB()).isEqualTo(256);
        assertThat(policy.bucket("other").orElseThrow().sidecar().cacheSizeMiB()).isEqualTo(4096);
        assertThat(valid(HEADER + "defaults: {sidecar: {image: i}}\nbuckets: [{name: jars}]\n").bucket("jars")
                .orElseThrow().sidecar().cacheSizeMiB()).isEqualTo(1024);

        String range = "must be an integer from 1 to 1048576";
        for (String value : List.of("0", "-5", "1.5", "\"1Gi\"", "1048577", "true")) {
            assertThat(errors(HEADER + "defaults: {sidecar: {image: i, cacheSizeMiB: " + value + "}}\n"
                    + "buckets: [{name: jars, sidecar: {cacheSizeMiB: " + value + "}}]\n")).as(value).containsExactly(
                    "defaults.sidecar.cacheSizeMiB " + range, "buckets[0].sidecar.cacheSizeMiB " + range);
        }
    }

    /**
     * {@code uid} is the owner mount-s3 gives the mounted files. 0 (root) is refused unless the
     * same sidecar settings, after inheriting from defaults.sidecar field by field, say
     * {@code allowRootSidecar: true}.
     */
    @Test
    void aRootUidNeedsAllowRootSidecarInTheSameSettings() {
        String fix = "0 makes root the owner of every mounted file; use the Spark image's user (185), or set"
                + " allowRootSidecar: true in the same sidecar settings if root must own them";
        assertThat(errors(sidecars("{uid: 0}", "{}"))).containsExactly("defaults.sidecar.uid " + fix);
        assertThat(errors(sidecars("{}", "{uid: 0}"))).containsExactly("buckets[0].sidecar.uid " + fix);
        assertThat(errors(sidecars("{uid: 0, allowRootSidecar: false}", "{}"))).containsExactly(
                "defaults.sidecar.uid " + fix);
        assertThat(errors(sidecars("{}", "{uid: 0, allowRootSidecar: false}"))).containsExactly(
                "buckets[0].sidecar.uid " + fix);
        assertThat(errors(sidecars("{uid: 0, allowRootSidecar: true}", "{allowRootSidecar: false}"))).containsExactly(
                "buckets[0].sidecar.allowRootSidecar is false, but uid 0 comes from defaults.sidecar; set uid here, such"
                        + " as the Spark image's user (185), or leave allowRootSidecar out");
        assertThat(errors(sidecars("{allowRootSidecar: \"yes\"}", "{}"))).containsExactly(
                "defaults.sidecar.allowRootSidecar must be true or false");

        for (String[] allowed : List.of(new String[] {"{uid: 0, allowRootSidecar: true}", "{}"},
                new String[] {"{}", "{uid: 0, allowRootSidecar: true}"},
                new String[] {"{allowRootSidecar: true}", "{uid: 0}"},
                new String[] {"{uid: 0, allowRootSidecar: true}", "{gid: 0}"})) {
            Sidecar sidecar = valid(sidecars(allowed[0], allowed[1])).bucket("jars").orElseThrow().sidecar();
            assertThat(sidecar.uid()).as(allowed[0] + allowed[1]).isZero();
            assertThat(sidecar.allowRootSidecar()).isTrue();
        }
        Sidecar inherited = valid(sidecars("{uid: 1000}", "{gid: 0}")).bucket("jars").orElseThrow().sidecar();
        assertThat(inherited.uid()).isEqualTo(1000);
        assertThat(inherited.allowRootSidecar()).isFalse();
        assertThat(Sidecar.DEFAULT.allowRootSidecar()).isFalse();
    }

    /**
     * Anyone who reaches the webhook port can post a review of the policy ConfigMap, so its text is
     * untrusted input to this parser: YAML aliases must not be expanded (ten levels of ten would be
     * 10^10 strings, far past the test's heap) and nesting must stop at the parser's depth limit.
     */
    @Test
    void aliasesAreNotExpandedAndDeepNestingIsRefused() {
        StringBuilder laughs = new StringBuilder("apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\nlol:\n");
        laughs.append("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 10; level++) {
            laughs.append("  l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(10, "*l" + (level - 1)))).append("]\n");
        }
        assertThat(errors(laughs.toString())).isNotEmpty();
        String deep = "apiVersion: s3jars.io/v1alpha1\nkind: S3JarsPolicy\nbuckets: " + "[".repeat(1_001)
                + "]".repeat(1_001) + "\n";
        assertThat(errors(deep)).singleElement().asString().startsWith("the policy is not valid YAML")
                .contains("nesting depth");
    }

    private static String sidecars(String defaults, String bucket) {
        return HEADER + "defaults: {mode: sidecar, allowModeOverride: false, sidecar: " + defaults.replace("{", "{image: i, ")
                .replace(", }", "}") + "}\nbuckets: [{name: jars, sidecar: " + bucket + "}]\n";
    }

    @Test
    void sidecarImageIsRequiredWhenASidecarMayRun() {
        assertThat(errors(HEADER + "buckets: [{name: jars}]\nbindings: []\n")).containsExactly(
                "buckets 'jars' sidecar.image is required (here or in defaults.sidecar.image): mode auto with pod"
                        + " overrides may run a mount-s3 sidecar");
    }

    /**
     * The prefix goes to mount-s3 as {@code --prefix <prefix>}: it must be a key prefix that
     * mount-s3 cannot take for an option ({@code --allow-delete/}), and every message stays on one line.
     */
    @Test
    void prefixIsAnS3KeyPrefixThatMountS3CannotTakeForAnOption() {
        for (String prefix : List.of("jars/", "a/b/", "team b/jars/", "é/", ".hidden/", "a..b/", "a.-_/",
                "a".repeat(1023) + "/", "é".repeat(511) + "a/")) {
            assertThat(valid(bucketWithPrefix(prefix)).bucket("jars").orElseThrow().prefix()).as(prefix).contains(prefix);
        }
        record Case(String prefix, String error) {
        }
        String noLeadingSlash = "must not start with '/': write the key prefix as S3 keys start, such as jars/";
        String noOption = "must not start with '-': mount-s3 would take it for one of its options; write the key"
                + " prefix, such as jars/";
        String trailingSlash = "must end with '/': mount-s3 mounts the folder of keys under it, such as jars/";
        String noDoubleSlash = "must not contain '//' (an empty segment): write each folder once, such as jars/";
        String noDots = "must not contain '.' or '..' segments: S3 keys have no relative folders; write the key prefix"
                + " as stored, such as jars/";
        String noControl = "must not contain control characters (newline, tab, ...): write the key prefix as plain"
                + " text, such as jars/";
        for (Case c : List.of(
                new Case("--allow-delete/", "'--allow-delete/' " + noOption),
                new Case("-/", "'-/' " + noOption),
                new Case("-foreground/", "'-foreground/' " + noOption),
                new Case("/jars/", "'/jars/' " + noLeadingSlash),
                new Case("/", "'/' " + noLeadingSlash),
                new Case("jars", "'jars' " + trailingSlash),
                new Case("", "'' " + trailingSlash),
                new Case("a//b/", "'a//b/' " + noDoubleSlash),
                new Case("./", "'./' " + noDots),
                new Case("../etc/", "'../etc/' " + noDots),
                new Case("a/../", "'a/../' " + noDots),
                new Case("a/./b/", "'a/./b/' " + noDots),
                new Case("a\nb/", "'a\\nb/' " + noControl),
                new Case("jars/\n--allow-delete/", "'jars/\\n--allow-delete/' " + noControl),
                new Case("a\tb/", "'a\\tb/' " + noControl),
                new Case("a\u007fb/", "'a\\u007fb/' " + noControl),
                new Case("a\u0085b/", "'a\\u0085b/' " + noControl),
                new Case("a".repeat(1024) + "/", "'" + "a".repeat(60) + "...' is 1025 bytes in UTF-8, more than an"
                        + " S3 key may have (1024); shorten it"),
                new Case("é".repeat(512) + "/", "'" + "é".repeat(60) + "...' is 1025 bytes in UTF-8, more than an"
                        + " S3 key may have (1024); shorten it"))) {
            List<String> errors = errors(bucketWithPrefix(c.prefix()));
            assertThat(errors).as(c.prefix()).containsExactly("buckets[0].prefix " + c.error());
            assertThat(errors.get(0)).as(c.prefix()).doesNotContainPattern("[\\p{Cntrl}\\x{80}-\\x{9f}]");
        }
    }

    /** A policy with one bucket whose prefix is {@code prefix}, as a YAML double-quoted string that escapes every control character. */
    private static String bucketWithPrefix(String prefix) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : prefix.toCharArray()) {
            quoted.append(c < 0x20 || c >= 0x7f && c < 0xa0 || c == '"' || c == '\\' ? "\\u%04x".formatted((int) c) : c);
        }
        return HEADER + "defaults: {mode: hostpath, allowModeOverride: false}\nbuckets: [{name: jars, prefix: "
                + quoted.append('"') + "}]\n";
    }

    /**
     * A node mount path is a hostPath for the pods granted the bucket, and the container path
     * covers what the Spark containers see there: neither may be, lie under, or contain a system
     * directory. Paths are compared by segment: /procfs is not /proc.
     */
    @Test
    void mountPathsStayOutOfSystemDirectories() {
        String node = "; give the bucket a directory of its own on the nodes, such as one under /mnt";
        String container = "; mount buckets in a directory of their own, such as /mnt/s3";
        String kernel = "kernel and device interfaces";
        String system = "configuration, programs and libraries";
        String run = "sockets and state of running services, the service account token in /var/run/secrets";
        String tmp = "scratch space other programs write";
        String kubelet = "kubelet and container runtime state: every pod's volumes, secrets and images";
        record Case(String path, String error) {
        }
        for (Case c : List.of(
                new Case("/proc", "is the system path /proc (" + kernel + ")"),
                new Case("/proc/1", "is under the system path /proc (" + kernel + ")"),
                new Case("/sys/fs/fuse", "is under the system path /sys (" + kernel + ")"),
                new Case("/dev", "is the system path /dev (" + kernel + ")"),
                new Case("/etc/kubernetes", "is under the system path /etc (" + system + ")"),
                new Case("/bin", "is the system path /bin (" + system + ")"),
                new Case("/sbin", "is the system path /sbin (" + system + ")"),
                new Case("/lib", "is the system path /lib (" + system + ")"),
                new Case("/lib64", "is the system path /lib64 (" + system + ")"),
                new Case("/usr/local/s3", "is under the system path /usr (" + system + ")"),
                new Case("/run/containerd", "is under the system path /run (" + run + ")"),
                new Case("/var/run", "is the system path /var/run (" + run + ")"),
                new Case("/var", "contains the system path /var/run (" + run + ")"),
                new Case("/tmp/s3", "is under the system path /tmp (" + tmp + ")"),
                new Case("/var/lib", "contains the system path /var/lib/kubelet (" + kubelet + ")"),
                new Case("/var/lib/kubelet/pods", "is under the system path /var/lib/kubelet (" + kubelet + ")"),
                new Case("/var/lib/containerd", "is the system path /var/lib/containerd (" + kubelet + ")"),
                new Case("/var/lib/docker", "is the system path /var/lib/docker (" + kubelet + ")"),
                new Case("/var/log/s3", "is under the system path /var/log (logs of the node and of every pod on it)"),
                new Case("/boot", "is the system path /boot (the kernel image and boot loader)"),
                new Case("/root/s3", "is under the system path /root (root's home, with its SSH keys)"))) {
            assertThat(errors(nodeMountPath(c.path()))).as(c.path())
                    .containsExactly("buckets[0].nodeMountPath '" + c.path() + "' " + c.error() + node);
        }
        for (Case c : List.of(
                new Case("/proc", "is the system path /proc (" + kernel + ")"),
                new Case("/sys/x", "is under the system path /sys (" + kernel + ")"),
                new Case("/dev/shm", "is under the system path /dev (" + kernel + ")"),
                new Case("/etc/spark", "is under the system path /etc (" + system + ")"),
                new Case("/bin", "is the system path /bin (" + system + ")"),
                new Case("/sbin", "is the system path /sbin (" + system + ")"),
                new Case("/lib", "is the system path /lib (" + system + ")"),
                new Case("/lib64", "is the system path /lib64 (" + system + ")"),
                new Case("/usr", "is the system path /usr (" + system + ")"),
                new Case("/tmp", "is the system path /tmp (" + tmp + ")"),
                new Case("/run", "is the system path /run (" + run + ")"),
                new Case("/var/run/secrets", "is under the system path /var/run (" + run + ")"),
                new Case("/var", "contains the system path /var/run (" + run + ")"))) {
            assertThat(errors(containerMountPath(c.path()))).as(c.path())
                    .containsExactly("defaults.mountPath '" + c.path() + "' " + c.error() + container);
        }
        String root = "'/' must be an absolute path without a trailing '/' or '//' (and not '/')";
        assertThat(errors(nodeMountPath("/"))).containsExactly("buckets[0].nodeMountPath " + root);
        assertThat(errors(containerMountPath("/"))).containsExactly("defaults.mountPath " + root);

        for (String path : List.of("/mnt/s3", "/mnt", "/data/s3", "/srv/jars", "/opt/s3", "/var/lib/s3jars",
                "/var/lib/kubelet-s3", "/var/logs", "/procfs", "/usrlocal", "/tmpfs", "/devices", "/home/s3")) {
            assertThat(valid(nodeMountPath(path)).bucket("jars").orElseThrow().nodeMountPath()).isEqualTo(path);
        }
        for (String path : List.of("/mnt/s3", "/mnt", "/data/jars", "/var/data/jars", "/var/lib/jars", "/var/log/jars",
                "/root/jars", "/boot/jars", "/home/spark/s3", "/runs", "/temp")) {
            assertThat(valid(containerMountPath(path)).defaults().mountPath()).isEqualTo(path);
        }
    }

    private static String nodeMountPath(String path) {
        return HEADER + "defaults: {mode: hostpath, allowModeOverride: false}\nbuckets: [{name: jars, nodeMountPath: \""
                + path + "\"}]\n";
    }

    private static String containerMountPath(String path) {
        return HEADER + "defaults: {mode: hostpath, allowModeOverride: false, mountPath: \"" + path
                + "\"}\nbuckets: [{name: jars}]\n";
    }

    /**
     * A pod granted one bucket gets its node mount path as a hostPath: a path equal to another
     * bucket's, or above or below it, would show it the other bucket too. Checked for the whole
     * policy, whatever the mode, and the default counts as a path.
     */
    @Test
    void nodeMountPathsOfTwoBucketsNeverMeet() {
        String fix = "; give each bucket its own nodeMountPath, outside the others' (such as /mnt/s3-libs)";
        record Case(String jars, String libs, String error) {
        }
        for (Case c : List.of(
                new Case(null, null, "buckets[1].nodeMountPath is not set: the default /mnt/s3 is also the nodeMountPath"
                        + " of bucket 'jars' (buckets[0], by default), so a pod granted 'jars' or 'libs' could read the"
                        + " other" + fix),
                new Case("/mnt/s3", null, "buckets[1].nodeMountPath is not set: the default /mnt/s3 is also the"
                        + " nodeMountPath of bucket 'jars' (buckets[0]), so a pod granted 'jars' or 'libs' could read the"
                        + " other" + fix),
                new Case(null, "/mnt/s3", "buckets[1].nodeMountPath '/mnt/s3' is also the nodeMountPath of bucket 'jars'"
                        + " (buckets[0], by default), so a pod granted 'jars' or 'libs' could read the other" + fix),
                new Case("/mnt/a", "/mnt/a", "buckets[1].nodeMountPath '/mnt/a' is also the nodeMountPath of bucket"
                        + " 'jars' (buckets[0]), so a pod granted 'jars' or 'libs' could read the other" + fix),
                new Case("/mnt/s3", "/mnt/s3/b", "buckets[1].nodeMountPath '/mnt/s3/b' is under /mnt/s3, the"
                        + " nodeMountPath of bucket 'jars' (buckets[0]), so a pod granted 'jars' could read 'libs' too" + fix),
                new Case(null, "/mnt/s3/libs", "buckets[1].nodeMountPath '/mnt/s3/libs' is under /mnt/s3, the"
                        + " nodeMountPath of bucket 'jars' (buckets[0], by default), so a pod granted 'jars' could read"
                        + " 'libs' too" + fix),
                new Case("/mnt/s3/a/b", "/mnt", "buckets[1].nodeMountPath '/mnt' contains /mnt/s3/a/b, the nodeMountPath"
                        + " of bucket 'jars' (buckets[0]), so a pod granted 'libs' could read 'jars' too" + fix),
                new Case("/mnt/s3/jars", null, "buckets[1].nodeMountPath is not set: the default /mnt/s3 contains"
                        + " /mnt/s3/jars, the nodeMountPath of bucket 'jars' (buckets[0]), so a pod granted 'libs' could"
                        + " read 'jars' too" + fix))) {
            assertThat(errors(twoBuckets("hostpath", c.jars(), c.libs()))).as(c.jars() + " " + c.libs())
                    .containsExactly(c.error());
        }
        // Only the mode decides whether a hostPath is made; the policy is checked whatever it says.
        assertThat(errors(twoBuckets("sidecar", null, null))).singleElement().asString()
                .startsWith("buckets[1].nodeMountPath is not set: the default /mnt/s3 is also");

        for (String[] apart : List.of(new String[] {"/mnt/s3", "/mnt/s3-libs"}, new String[] {"/mnt/s3/a", "/mnt/s3/b"},
                new String[] {"/mnt/a", "/mnt/ab"}, new String[] {"/mnt/ab", "/mnt/a"}, new String[] {null, "/mnt/s3x"},
                new String[] {"/mnt/a/b", "/mnt/a/c/b"})) {
            PolicySnapshot policy = valid(twoBuckets("hostpath", apart[0], apart[1]));
            assertThat(policy.nodeMountPaths()).hasSize(2);
        }

        // Each bucket is reported once, against the first bucket it meets; broken paths and repeated
        // buckets are reported for what they are and nothing more.
        assertThat(errors(HEADER + """
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets: [{name: jars}, {name: libs}, {name: more}, {name: deep, nodeMountPath: /mnt/s3/a/deep}]
                """)).extracting(e -> e.substring(0, e.indexOf(" ", e.indexOf(".nodeMountPath ") + 15))).containsExactly(
                "buckets[1].nodeMountPath is", "buckets[2].nodeMountPath is", "buckets[3].nodeMountPath '/mnt/s3/a/deep'");
        assertThat(errors(HEADER + """
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets: [{name: jars}, {name: libs, nodeMountPath: /mnt/../s3}, {name: etc, nodeMountPath: /etc}]
                """)).extracting(e -> e.substring(0, e.indexOf(" '"))).containsExactly(
                "buckets[1].nodeMountPath", "buckets[2].nodeMountPath");
    }

    /** Buckets jars and libs; a null path leaves nodeMountPath out, so the bucket gets the default. */
    private static String twoBuckets(String mode, String jars, String libs) {
        return HEADER + "defaults: {mode: " + mode + ", allowModeOverride: false, sidecar: {image: mount-s3:1}}\n"
                + "buckets: [{name: jars" + (jars == null ? "" : ", nodeMountPath: " + jars) + "}, {name: libs"
                + (libs == null ? "" : ", nodeMountPath: " + libs) + "}]\n";
    }

    @Test
    void headerIsChecked() {
        assertThat(errors("apiVersion: v1\nkind: ConfigMap\nbuckets: []\n"))
                .containsExactly("apiVersion 'v1' must be s3jars.io/v1alpha1", "kind 'ConfigMap' must be S3JarsPolicy");
        assertThat(errors("buckets: []\n")).contains("apiVersion is required", "kind is required");
    }

    @Test
    void brokenYamlEmptyAndSeveralDocumentsAreErrors() {
        assertThat(errors("")).containsExactly("the policy is empty");
        assertThat(errors(HEADER + "---\n" + HEADER)).containsExactly("the policy must be one YAML document, found 2");
        assertThat(errors(HEADER + "buckets: [\n")).singleElement().asString().startsWith("the policy is not valid YAML");
        assertThat(errors(HEADER + HEADER)).singleElement().asString().contains("Duplicate field 'apiVersion'");
        assertThat(errors("- a\n- b\n")).containsExactly("the policy must be a mapping");
    }

    @Test
    void duplicateBucketsAreErrors() {
        assertThat(errors(HEADER + "defaults: {mode: hostpath, allowModeOverride: false}\n"
                + "buckets: [{name: jars}, {name: jars}]\n"))
                .containsExactly("buckets lists bucket 'jars' twice");
    }

    @Test
    void bindingsMatchExactNamesGlobsAndServiceAccounts() {
        PolicySnapshot policy = valid(HEADER + """
                defaults: {mode: hostpath, allowModeOverride: false}
                buckets: [{name: jars}, {name: libs, nodeMountPath: /mnt/libs}, {name: secret-jars, nodeMountPath: /mnt/secret}]
                bindings:
                  - {namespaces: [team-a], buckets: [jars]}
                  - {namespaces: ["team-*"], buckets: [libs]}
                  - {namespaces: [team-a], serviceAccounts: [spark-admin], buckets: [secret-jars]}
                  - {namespaces: ["ns-?"], buckets: [jars]}
                """);
        assertThat(policy.allowedBuckets("team-a", "spark")).containsExactly("jars", "libs");
        assertThat(policy.allowedBuckets("team-a", "spark-admin")).containsExactly("jars", "libs", "secret-jars");
        assertThat(policy.allowedBuckets("team-b", "spark")).containsExactly("libs");
        assertThat(policy.allowedBuckets("ns-1", "spark")).containsExactly("jars");
        assertThat(policy.allowedBuckets("ns-12", "spark")).isEmpty();
        assertThat(policy.allowedBuckets("xteam-a", "spark")).isEmpty();
    }

    private static PolicySnapshot valid(String yaml) {
        PolicyResult result = PolicyParser.parse(yaml);
        assertThat(result).isInstanceOf(PolicyResult.Valid.class);
        return ((PolicyResult.Valid) result).policy();
    }

    @Test
    void aBucketsCsiClaimDefaultsToS3jarsBucketAndMustBeAnObjectName() {
        PolicySnapshot policy = valid(HEADER + "defaults: {mode: csi, allowModeOverride: false}\n"
                + "buckets: [{name: jars, nodeMountPath: /mnt/jars}, {name: libs, nodeMountPath: /mnt/libs,"
                + " csi: {claimName: shared-libs}}]\n");
        assertThat(policy.bucket("jars").orElseThrow().csi().claimName()).isEqualTo("s3jars-jars");
        assertThat(policy.bucket("libs").orElseThrow().csi().claimName()).isEqualTo("shared-libs");
        assertThat(errors(HEADER + "buckets: [{name: jars, csi: {claimName: Bad_Name}}]\n"))
                .anyMatch(e -> e.startsWith("buckets[0].csi.claimName"));
    }

    @Test
    void csiVolumesAreManagedUnlessThePolicyTurnsItOff() {
        assertThat(valid(HEADER + "defaults: {mode: csi, allowModeOverride: false}\nbuckets: [{name: jars}]\n")
                .defaults().manageCsiVolumes()).isTrue();
        assertThat(valid(HEADER + "defaults: {mode: csi, allowModeOverride: false, csi: {manageVolumes: false}}\n"
                + "buckets: [{name: jars}]\n").defaults().manageCsiVolumes()).isFalse();
        assertThat(errors(HEADER + "defaults: {csi: {manageVolumes: 'no', manage: true}}\nbuckets: [{name: jars}]\n"))
                .anyMatch(e -> e.startsWith("defaults.csi.manageVolumes"))
                .contains("defaults.csi.manage is not a known field (known: manageVolumes)");
    }

    @Test
    void aBucketsNodeSideSelectsNodesByLabelsAndDefaultsToEveryNodeWithATenGibCache() {
        PolicySnapshot policy = valid(HEADER + "defaults: {mode: hostpath, allowModeOverride: false}\n"
                + "buckets: [{name: jars, nodeMountPath: /mnt/jars},"
                + " {name: libs, nodeMountPath: /mnt/libs, node: {selector: {pool: spark}, cacheSizeMiB: 2048}}]\n");
        NodeSide jars = policy.bucket("jars").orElseThrow().node();
        NodeSide libs = policy.bucket("libs").orElseThrow().node();
        assertThat(jars).isEqualTo(NodeSide.DEFAULT);
        assertThat(jars.selects(Map.of())).isTrue();
        assertThat(libs.cacheSizeMiB()).isEqualTo(2048);
        assertThat(libs.selects(Map.of("pool", "spark", "zone", "a"))).isTrue();
        assertThat(libs.selects(Map.of("pool", "batch"))).isFalse();
        assertThat(libs.selects(Map.of())).isFalse();
        assertThat(errors(HEADER + "buckets: [{name: jars, node: {selector: {\"bad key!\": x}, cacheSizeMiB: 0, nodes: 1}}]\n"))
                .anyMatch(e -> e.startsWith("buckets[0].node.selector"))
                .anyMatch(e -> e.startsWith("buckets[0].node.cacheSizeMiB"))
                .anyMatch(e -> e.startsWith("buckets[0].node.nodes is not a known field"));
    }

    @Test
    void mountReadyLabelKeysAreEachBucketsOwnAndNeverKubernetesOwn() {
        String defaults = "defaults: {mode: hostpath, allowModeOverride: false}\n";
        assertThat(errors(HEADER + defaults + "buckets: [{name: aaa, nodeMountPath: /mnt/aaa, mountReadyLabels: {s3/jars: ready}},"
                + " {name: bbb, nodeMountPath: /mnt/bbb, mountReadyLabels: {s3/jars: mounted}}]\n"))
                .anyMatch(e -> e.startsWith("buckets 'bbb' mountReadyLabels key 's3/jars' is also bucket 'aaa''s"));
        assertThat(errors(HEADER + defaults + "buckets: [{name: aaa, mountReadyLabels: {kubernetes.io/hostname: n1}},"
                + " {name: bbb, nodeMountPath: /mnt/bbb, mountReadyLabels: {node-role.kubernetes.io/spark: \"\"}}]\n"))
                .anyMatch(e -> e.startsWith("buckets 'aaa' mountReadyLabels key 'kubernetes.io/hostname' is Kubernetes' own"))
                .anyMatch(e -> e.startsWith("buckets 'bbb' mountReadyLabels key 'node-role.kubernetes.io/spark'"));
        assertThat(valid(HEADER + defaults + "buckets: [{name: aaa, nodeMountPath: /mnt/aaa}, {name: bbb, nodeMountPath:"
                + " /mnt/bbb}]\n").buckets()).hasSize(2);
    }

    @Test
    void autoOrderNamesConcreteModesAndIncludesSidecar() {
        String buckets = "buckets: [{name: jars, csi: {}}]\n";
        assertThat(valid(HEADER + "defaults: {autoOrder: [csi, sidecar], sidecar: {image: i}}\n" + buckets).defaults()
                .autoOrder()).extracting(Mode::label).containsExactly("csi", "sidecar");
        assertThat(errors(HEADER + "defaults: {autoOrder: [auto, sidecar], sidecar: {image: i}}\n" + buckets))
                .anyMatch(e -> e.startsWith("defaults.autoOrder[0]") && e.contains("must be hostpath, csi or sidecar"));
        assertThat(errors(HEADER + "defaults: {autoOrder: [hostpath, csi], sidecar: {image: i}}\n" + buckets))
                .anyMatch(e -> e.contains("defaults.autoOrder must include sidecar"));
        assertThat(valid(HEADER + "defaults: {sidecar: {image: i}}\n" + buckets).bucket("jars").orElseThrow().csi()
                .declared()).isTrue();
    }

    @Test
    void allowedHostPathsAreNeverABucketsNodePathNorASystemPath() {
        String buckets = "defaults: {mode: hostpath, allowModeOverride: false}\n"
                + "buckets: [{name: jars, nodeMountPath: /mnt/jars}]\n";
        PolicySnapshot policy = valid(HEADER + buckets + "guard:\n  allowedHostPaths:\n"
                + "    - {pathPrefix: /local1, readOnly: false}\n    - {pathPrefix: /data/cache, readOnly: true}\n");
        assertThat(policy.allowedHostPaths()).containsExactly(new AllowedHostPath("/local1", false),
                new AllowedHostPath("/data/cache", true));
        assertThat(valid(HEADER + buckets).allowedHostPaths()).isEmpty();
        for (String prefix : List.of("/mnt/jars", "/mnt/jars/x", "/mnt", "/mnt/s3", "/", "/proc", "/var/lib/kubelet",
                "/var", "/var/log/pods", "/etc", "/run", "/var/run", "/sys", "/dev", "/var/lib/containerd")) {
            assertThat(errors(HEADER + buckets + "guard: {allowedHostPaths: [{pathPrefix: '" + prefix + "'}]}\n"))
                    .as(prefix).singleElement().asString().startsWith("guard.allowedHostPaths[0].pathPrefix");
        }
        assertThat(errors(HEADER + buckets + "guard: {allowedHostPaths: [{readOnly: true}]}\n")).singleElement()
                .asString().contains("pathPrefix").contains("required");
        assertThat(errors(HEADER + buckets + "guard: {hostPaths: []}\n")).singleElement().asString().contains("hostPaths");
    }

    private static List<String> errors(String yaml) {
        PolicyResult result = PolicyParser.parse(yaml);
        assertThat(result).isInstanceOf(PolicyResult.Invalid.class);
        return ((PolicyResult.Invalid) result).errors();
    }
}
