package io.s3jars.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3jars.policy.PolicySnapshot;
import io.s3jars.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which buckets get a volume and claim in which namespaces, and their names. */
class WantedVolumesTest {

    private static final String POLICY = """
            apiVersion: s3jars.io/v1alpha1
            kind: S3JarsPolicy
            defaults: {mode: auto, sidecar: {image: registry.example.com/mount-s3:1.21.0}%s}
            buckets:
              - {name: declared, nodeMountPath: /mnt/a, csi: {}}
              - {name: named, nodeMountPath: /mnt/b, csi: {claimName: by-hand}}
              - {name: undeclared, nodeMountPath: /mnt/c}
            bindings:
              - {namespaces: ["team-*"], buckets: [declared, named, undeclared]}
              - {namespaces: [restricted], serviceAccounts: [spark], buckets: [declared]}
            """;

    @Test
    void onlyDeclaredBucketsWithoutANamedClaimInNamespacesGrantedToEveryServiceAccount() {
        PolicySnapshot policy = Fixtures.policy(POLICY.formatted(""));
        assertThat(WantedVolumes.of(policy, List.of("team-b", "team-a", "restricted", "other")))
                .extracting(w -> w.namespace() + "/" + w.claimName())
                .containsExactly("team-a/s3jars-declared", "team-b/s3jars-declared");
        assertThat(WantedVolumes.manages(policy, "team-a", policy.bucket("declared").orElseThrow())).isTrue();
        assertThat(WantedVolumes.manages(policy, "restricted", policy.bucket("declared").orElseThrow())).isFalse();
        assertThat(WantedVolumes.manages(policy, "team-a", policy.bucket("named").orElseThrow())).isFalse();
    }

    @Test
    void modeCsiServesEveryBucketThatNamesNoClaim() {
        PolicySnapshot policy = Fixtures.policy(POLICY.formatted(", mode: csi").replace("mode: auto, ", ""));
        assertThat(WantedVolumes.of(policy, List.of("team-a"))).extracting(WantedVolume::claimName)
                .containsExactly("s3jars-declared", "s3jars-undeclared");
    }

    @Test
    void managementOffWantsNothing() {
        PolicySnapshot policy = Fixtures.policy(POLICY.formatted(", csi: {manageVolumes: false}"));
        assertThat(WantedVolumes.of(policy, List.of("team-a"))).isEmpty();
        assertThat(WantedVolumes.manages(policy, "team-a", policy.bucket("declared").orElseThrow())).isFalse();
    }

    @Test
    void volumeNamesAreThePairOrAHashWhereThatIsAmbiguousOrTooLong() {
        assertThat(VolumeNames.plain("team-a", "jars")).isEqualTo("s3jars-team-a-jars");
        // The same text from another pair: the hashed names tell them apart.
        assertThat(VolumeNames.plain("team", "a-jars")).isEqualTo("s3jars-team-a-jars");
        assertThat(VolumeNames.hashed("team", "a-jars")).isNotEqualTo(VolumeNames.hashed("team-a", "jars"))
                .startsWith("s3jars-team-a-jars-").hasSize("s3jars-team-a-jars-".length() + 10);
        String longBucket = "b".repeat(63);
        String longNamespace = "n".repeat(63);
        assertThat(VolumeNames.plain(longNamespace, longBucket)).hasSizeLessThanOrEqualTo(VolumeNames.MAX_NAME);
        String tooLong = "x".repeat(250);
        assertThat(VolumeNames.plain(tooLong, "jars")).hasSize(VolumeNames.MAX_NAME).matches("[a-z0-9.-]+[a-z0-9]");
    }
}
