package io.s3jars.nodeagent;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What the agent tells its operators: one log line per change of a mount's state, and metrics
 * per bucket (live or not, restarts, time of the last check) in Prometheus' text format. Bucket
 * names come from a validated policy, so they are safe as log text, and bounded by the policy's
 * size; label values are escaped all the same.
 *
 * <p>The text is written here rather than by Micrometer, which the webhook uses: three series per
 * bucket do not need a meter registry, and Micrometer with its Prometheus registry and SLF4J loads
 * about 150 classes that the agent, with a resident-set budget of 64 MiB, would carry for its
 * whole life (docs/node-agent.md#memory).
 */
final class AgentEvents {

    private static final Logger LOG = Logger.getLogger("io.s3jars.nodeagent");

    /** One bucket's series. */
    private record Series(Supplier<Boolean> live, AtomicLong lastCheck, AtomicLong restarts) {
    }

    private final Map<String, Series> buckets = new TreeMap<>();

    void log(String bucket, String message) {
        LOG.infof("bucket %s: %s", bucket, message);
    }

    void info(String message) {
        LOG.info(message);
    }

    void problem(String message) {
        LOG.warn(message);
    }

    synchronized void track(String bucket, Supplier<Boolean> live) {
        buckets.put(bucket, new Series(live, new AtomicLong(), new AtomicLong()));
    }

    synchronized void untrack(String bucket) {
        buckets.remove(bucket);
    }

    synchronized void checked(String bucket, Instant at) {
        Series series = buckets.get(bucket);
        if (series != null) {
            series.lastCheck().set(at.getEpochSecond());
        }
    }

    synchronized void restarted(String bucket) {
        Series series = buckets.get(bucket);
        if (series != null) {
            series.restarts().incrementAndGet();
        }
    }

    /** The metrics in Prometheus' text exposition format 0.0.4. */
    synchronized String metricsText() {
        StringBuilder out = new StringBuilder();
        family(out, "s3jars_node_mount_live", "gauge", "1 while the bucket's mount on this node is live",
                series -> series.live().get() ? 1 : 0);
        family(out, "s3jars_node_mount_last_check_seconds", "gauge",
                "when the mount was last checked, seconds since the epoch", series -> series.lastCheck().get());
        family(out, "s3jars_node_mount_restarts_total", "counter", "mount-s3 restarts for the bucket on this node",
                series -> series.restarts().get());
        return out.toString();
    }

    private void family(StringBuilder out, String name, String type, String help, Function<Series, Number> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        buckets.forEach((bucket, series) -> out.append(name).append("{bucket=\"").append(labelValue(bucket))
                .append("\"} ").append(value.apply(series)).append('\n'));
    }

    /** The format's escapes for a label value: backslash, double quote and line feed. */
    static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
