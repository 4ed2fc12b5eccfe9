package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AgentEventsTest {

    @Test
    void metricsAreWrittenInPrometheusTextFormatPerTrackedBucket() {
        AgentEvents events = new AgentEvents();
        AtomicBoolean jarsLive = new AtomicBoolean(true);
        events.track("spark-jars", jarsLive::get);
        events.track("shared.libs", () -> false);
        events.checked("spark-jars", Instant.ofEpochSecond(1_796_000_000L));
        events.restarted("shared.libs");
        events.restarted("shared.libs");
        events.restarted("never-tracked");
        assertThat(events.metricsText()).isEqualTo("""
                # HELP s3jars_node_mount_live 1 while the bucket's mount on this node is live
                # TYPE s3jars_node_mount_live gauge
                s3jars_node_mount_live{bucket="shared.libs"} 0
                s3jars_node_mount_live{bucket="spark-jars"} 1
                # HELP s3jars_node_mount_last_check_seconds when the mount was last checked, seconds since the epoch
                # TYPE s3jars_node_mount_last_check_seconds gauge
                s3jars_node_mount_last_check_seconds{bucket="shared.libs"} 0
                s3jars_node_mount_last_check_seconds{bucket="spark-jars"} 1796000000
                # HELP s3jars_node_mount_restarts_total mount-s3 restarts for the bucket on this node
                # TYPE s3jars_node_mount_restarts_total counter
                s3jars_node_mount_restarts_total{bucket="shared.libs"} 2
                s3jars_node_mount_restarts_total{bucket="spark-jars"} 0
                """);
        jarsLive.set(false);
        events.untrack("shared.libs");
        assertThat(events.metricsText()).contains("s3jars_node_mount_live{bucket=\"spark-jars\"} 0\n")
                .doesNotContain("shared.libs");
    }

    @Test
    void labelValuesAreEscapedAsTheFormatRequires() {
        assertThat(AgentEvents.labelValue("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    }
}
