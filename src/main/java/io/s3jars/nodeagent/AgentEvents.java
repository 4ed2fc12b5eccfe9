package io.s3jars.nodeagent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What the agent tells its operators: one log line per change of a mount's state, and metrics
 * per bucket (live or not, restarts, time of the last check). Bucket names come from a validated
 * policy, so they are safe as log text and label values, and bounded by the policy's size.
 */
final class AgentEvents {

    private static final Logger LOG = Logger.getLogger("io.s3jars.nodeagent");

    private final MeterRegistry registry;
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private final Map<String, AtomicLong> lastChecks = new HashMap<>();

    AgentEvents(MeterRegistry registry) {
        this.registry = registry;
    }

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
        AtomicLong lastCheck = new AtomicLong();
        lastChecks.put(bucket, lastCheck);
        meters.put(bucket, List.of(
                Gauge.builder("s3jars.node.mount.live", () -> live.get() ? 1 : 0).tag("bucket", bucket)
                        .description("1 while the bucket's mount on this node is live").register(registry),
                Gauge.builder("s3jars.node.mount.last.check", lastCheck, AtomicLong::get).tag("bucket", bucket)
                        .baseUnit("seconds").description("when the mount was last checked, seconds since the epoch")
                        .register(registry),
                Counter.builder("s3jars.node.mount.restarts").tag("bucket", bucket)
                        .description("mount-s3 restarts for the bucket on this node").register(registry)));
    }

    synchronized void untrack(String bucket) {
        new ArrayList<>(meters.getOrDefault(bucket, List.of())).forEach(registry::remove);
        meters.remove(bucket);
        lastChecks.remove(bucket);
    }

    synchronized void checked(String bucket, Instant at) {
        AtomicLong lastCheck = lastChecks.get(bucket);
        if (lastCheck != null) {
            lastCheck.set(at.getEpochSecond());
        }
    }

    void restarted(String bucket) {
        registry.counter("s3jars.node.mount.restarts", "bucket", bucket).increment();
    }
}
