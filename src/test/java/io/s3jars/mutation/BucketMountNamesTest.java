package io.s3jars.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3jars.cluster.ClusterView;
import io.s3jars.decision.Decision;
import io.s3jars.policy.Bucket;
import io.s3jars.policy.Names;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.Sidecar;
import io.s3jars.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The names s3jars gives a bucket's volume, cache volume and sidecar container: distinct within a
 * pod for any set of valid bucket names, valid DNS labels, and the same for a bucket every time.
 */
class BucketMountNamesTest {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789.-";
    private static final List<String> ROLES = List.of("s3jars-mnt-", "s3jars-cache-", "s3jars-mount-", "s3jars-");

    @Test
    void namesAreReadableWhereTheBucketFitsAndHashedWhereItDoesNot() {
        BucketMount jars = mount("spark-jars-bucket");
        assertThat(List.of(jars.volumeName(), jars.cacheVolumeName(), jars.sidecarName())).containsExactly(
                "s3jars-mnt-spark-jars-bucket", "s3jars-cache-spark-jars-bucket", "s3jars-mount-spark-jars-bucket");
        BucketMount libs = mount("shared.libs");
        assertThat(List.of(libs.volumeName(), libs.cacheVolumeName(), libs.sidecarName())).containsExactly(
                "s3jars-mnt--shared-libs-50d37992", "s3jars-cache--shared-libs-c45939b4",
                "s3jars-mount--shared-libs-4324eb6c");
        String longest = "a.very.long.bucket.name.with.many.dots.that.reaches.sixty.three";
        assertThat(longest).hasSize(63);
        assertThat(mount(longest).sidecarName()).hasSize(63).startsWith("s3jars-mount--a-very-long-bucket-name-with-m")
                .isNotEqualTo(mount(longest.replace("three", "thre3")).sidecarName());
    }

    /** The collisions of the earlier scheme, one per pod: each is a pod of two buckets. */
    @Test
    void bucketsBuiltFromAnotherBucketsNamesGetNamesOfTheirOwn() {
        String hashed = mount("a.b").volumeName();
        String plainTwin = hashed.substring(hashed.indexOf("--") + 2);
        assertThat(Names.bucketProblem(plainTwin)).isEmpty();
        for (List<String> pod : List.of(List.of("foo", "cache-foo"), List.of("foo", "mnt-foo"), List.of("a.b", "a-b"),
                List.of("a.b", plainTwin), List.of("shared.libs", "shared-libs"))) {
            assertDistinct(pod);
        }
    }

    /**
     * Names built to clash in their 8 hex digits: these pairs share their first 54
     * characters and were found among 65,000 candidates. A pod asking for both is denied, naming
     * the shared name, rather than given one volume or container for two buckets.
     */
    @Test
    void bucketsWhoseHashesClashAreDeniedNeverShareAName() {
        String head = "team-analytics-shared-jars-for-every-nightly-job-bucke-";
        record Case(String role, String a, String b, String kind) {
        }
        for (Case c : List.of(new Case(BucketMount.VOLUME, "agil0000", "buco0000", "volume"),
                new Case(BucketMount.CACHE, "a60w0000", "bg1k0000", "volume"),
                new Case(BucketMount.SIDECAR, "ay0h0000", "a5nv0000", "container"))) {
            String a = head + c.a();
            String b = head + c.b();
            String shared = BucketMount.name(c.role(), a);
            assertThat(BucketMount.name(c.role(), b)).as(c.role()).isEqualTo(shared);
            assertThat(BucketMount.nameClash(List.of(mount(a), mount(b)))).as(c.role()).contains("buckets " + a + " and "
                    + b + " would share the " + c.kind() + " name " + shared + " (their long or dotted names are"
                    + " shortened with a hash, and the hashes clash); ask for them in separate pods");
            assertThat(BucketMount.nameClash(List.of(mount(a), mount(head + "zzzz0000")))).isEmpty();
        }

        String a = head + "a60w0000";
        String b = head + "bg1k0000";
        PolicySnapshot policy = Fixtures.policy("""
                apiVersion: s3jars.io/v1alpha1
                kind: S3JarsPolicy
                defaults: {mode: sidecar, sidecar: {image: mount-s3:1}}
                buckets: [{name: %s, nodeMountPath: /mnt/a}, {name: %s, nodeMountPath: /mnt/b}]
                bindings: [{namespaces: [spark-team-a], buckets: [%s, %s]}]
                """.formatted(a, b, a, b));
        ObjectNode pod = GoldenInjectionTest.annotate(GoldenInjectionTest.withoutBucketLabel(
                Fixtures.sparkPod(Fixtures.EXECUTOR)), PodContract.BUCKETS, a + "," + b);
        Decision decision = new MutationEngine().decide(pod, "spark-team-a", Optional.of(policy), ClusterView.EMPTY);
        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, deny -> assertThat(deny.reason())
                .startsWith("buckets " + a + " and " + b + " would share the volume name s3jars-cache--"));
    }

    /**
     * Property, over 20,000 seeded random pods of 1 to 16 buckets, most built from one another:
     * {@code "cache-" + x}, {@code "mnt-" + x}, x with dots for dashes and back, 63 characters
     * sharing a 54-character head, and the tail of another bucket's generated name.
     */
    @Test
    void anySetOfValidBucketsGetsDistinctValidStableNames() {
        Random random = new Random(0x5_3_1a_25L);
        Map<String, List<String>> firstNames = new HashMap<>();
        int hashed = 0;
        int adversarial = 0;
        for (int podIndex = 0; podIndex < 20_000; podIndex++) {
            int size = 1 + random.nextInt(16);
            Set<String> pod = new LinkedHashSet<>();
            pod.add(randomBucket(random));
            while (pod.size() < size) {
                List<String> members = new ArrayList<>(pod);
                Optional<String> derived = derived(random, members.get(random.nextInt(members.size())));
                if (derived.isPresent() && !pod.contains(derived.get())) {
                    adversarial++;
                }
                pod.add(derived.orElseGet(() -> randomBucket(random)));
            }
            assertDistinct(List.copyOf(pod), firstNames);
            hashed += (int) pod.stream().filter(b -> !firstNames.get(b).get(0).endsWith(b)).count();
        }
        assertThat(adversarial).as("buckets built from another in the same pod").isGreaterThan(100_000);
        assertThat(hashed).as("buckets whose names had to change").isGreaterThan(10_000);
    }

    private static void assertDistinct(List<String> buckets) {
        assertDistinct(buckets, new HashMap<>());
    }

    /**
     * Volume names (main and cache) distinct, container names distinct, all DNS labels, and each
     * bucket's names those of {@code firstNames} if it was seen before. Plain checks: it runs 20,000 times.
     */
    private static void assertDistinct(List<String> buckets, Map<String, List<String>> firstNames) {
        Set<String> volumes = new HashSet<>();
        Set<String> containers = new HashSet<>();
        for (String bucket : buckets) {
            if (Names.bucketProblem(bucket).isPresent()) {
                fail("not a valid bucket name: " + bucket);
            }
            BucketMount mount = mount(bucket);
            List<String> names = List.of(mount.volumeName(), mount.cacheVolumeName(), mount.sidecarName());
            if (!firstNames.computeIfAbsent(bucket, b -> names).equals(names)) {
                fail("bucket " + bucket + " was named " + firstNames.get(bucket) + ", now " + names);
            }
            for (String name : names) {
                if (!Names.isDnsLabel(name)) {
                    fail(name + " of bucket " + bucket + " is not a DNS label");
                }
            }
            if (!volumes.add(names.get(0)) | !volumes.add(names.get(1)) | !containers.add(names.get(2))) {
                fail("a name of bucket " + bucket + " is taken already in the pod " + buckets + ": " + volumes + " "
                        + containers);
            }
        }
    }

    /** A bucket built from {@code x} to meet its names, if the result is a valid bucket name. */
    private static Optional<String> derived(Random random, String x) {
        String candidate = switch (random.nextInt(8)) {
            case 0 -> "cache-" + x;
            case 1 -> "mnt-" + x;
            case 2 -> "mount-" + x;
            case 3 -> x.replace('.', '-');
            case 4 -> x.replace('-', '.');
            case 5 -> {
                String head = (x + "x".repeat(54)).substring(0, 54);
                yield head + randomText(random, 8) + "z";
            }
            case 6 -> {
                BucketMount mount = mount(x);
                String name = List.of(mount.volumeName(), mount.cacheVolumeName(), mount.sidecarName())
                        .get(random.nextInt(3));
                String tail = name;
                for (String role : ROLES) {
                    if (tail.startsWith(role)) {
                        tail = tail.substring(role.length());
                        break;
                    }
                }
                yield tail.replaceFirst("^-+", "");
            }
            default -> x + "." + randomText(random, 1 + random.nextInt(3)) + "a";
        };
        return candidate.length() <= 63 && Names.bucketProblem(candidate).isEmpty() ? Optional.of(candidate)
                : Optional.empty();
    }

    /** A valid bucket name, often long or dotted, so many names must be cut or hashed. */
    private static String randomBucket(Random random) {
        while (true) {
            int length = random.nextBoolean() ? 3 + random.nextInt(20) : 45 + random.nextInt(19);
            String name = randomText(random, length);
            if (Names.bucketProblem(name).isEmpty()) {
                return name;
            }
        }
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    private static BucketMount mount(String bucket) {
        return new BucketMount(new Bucket(bucket, Optional.empty(), Optional.empty(), "/mnt/s3",
                Map.of(Bucket.defaultMountReadyLabel(bucket), "ready"), Sidecar.DEFAULT), "/mnt/s3/" + bucket);
    }
}
