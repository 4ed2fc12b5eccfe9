package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    @Test
    void defaultsNeedOnlyTheNodeName() {
        AgentSettings settings = AgentSettings.fromEnvironment(Map.of("NODE_NAME", "ip-10-0-0-1"));
        assertThat(settings).isEqualTo(new AgentSettings("ip-10-0-0-1", "mount-s3", "umount",
                Path.of("/var/cache/s3jars"), Optional.empty(), true, Duration.ofSeconds(5), Duration.ofSeconds(5), 9000));
        assertThat(settings.mayMountAt("/srv/jars")).isTrue();
    }

    @Test
    void everySettingIsReadAndAMountRootLimitsWhereBucketsMayBeMounted() {
        AgentSettings settings = AgentSettings.fromEnvironment(Map.of("NODE_NAME", "n", "S3JARS_MOUNT_S3", "/opt/mount-s3",
                "S3JARS_NODE_AGENT_MANAGE_MOUNT", "FALSE", "S3JARS_NODE_AGENT_MOUNT_ROOT", "/mnt/",
                "S3JARS_NODE_AGENT_INTERVAL_SECONDS", "0.5", "S3JARS_NODE_AGENT_PORT", "0"));
        assertThat(settings.mountS3()).isEqualTo("/opt/mount-s3");
        assertThat(settings.manageMount()).isFalse();
        assertThat(settings.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.port()).isZero();
        assertThat(settings.mayMountAt("/mnt/s3")).isTrue();
        assertThat(settings.mayMountAt("/mnt")).isFalse();
        assertThat(settings.mayMountAt("/mnt2/s3")).isFalse();
        assertThat(settings.mayMountAt("/srv/s3")).isFalse();
    }

    @Test
    void aMissingOrMalformedSettingSaysWhichAndWhatToDo() {
        assertThatThrownBy(() -> AgentSettings.fromEnvironment(Map.of()))
                .hasMessage("NODE_NAME is not set: give the agent its node's name (the chart sets it from the downward"
                        + " API, spec.nodeName)");
        assertThatThrownBy(() -> AgentSettings.fromEnvironment(Map.of("NODE_NAME", "n",
                "S3JARS_NODE_AGENT_MANAGE_MOUNT", "yes"))).hasMessage("S3JARS_NODE_AGENT_MANAGE_MOUNT must be true or"
                        + " false, not 'yes'");
        assertThatThrownBy(() -> AgentSettings.fromEnvironment(Map.of("NODE_NAME", "n",
                "S3JARS_NODE_AGENT_INTERVAL_SECONDS", "0"))).hasMessageStartingWith(
                        "S3JARS_NODE_AGENT_INTERVAL_SECONDS must be a number from 0.1 to 3600");
    }
}
