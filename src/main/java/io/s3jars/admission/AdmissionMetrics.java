package io.s3jars.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.s3jars.decision.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admissions by endpoint, outcome, mode and bucket, and their latency. Meters are cached per tag
 * set: the registry lookup is not free on a path that runs per pod.
 */
@ApplicationScoped
public class AdmissionMetrics {

    private static final Duration[] SLOS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250)};

    /** Denied pods may name any bucket: past this many series, new bucket names are counted as "other". */
    private static final int MAX_SERIES = 500;

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String endpoint, Decision decision, long nanos) {
        String outcome = outcome(decision);
        String mode = decision instanceof Decision.Patch patch ? patch.mode().label() : "none";
        String named = decision.buckets().isEmpty() ? "none" : String.join(",", decision.buckets());
        String bucket = counters.size() >= MAX_SERIES && !counters.containsKey(endpoint + '|' + outcome + '|' + mode + '|'
                + named) ? "other" : named;
        counters.computeIfAbsent(endpoint + '|' + outcome + '|' + mode + '|' + bucket, k -> Counter
                .builder("s3jars.admissions").description("Admission reviews answered")
                .tags("endpoint", endpoint, "outcome", outcome, "mode", mode, "bucket", bucket)
                .register(registry)).increment();
        timer(endpoint, outcome).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void error(String endpoint) {
        counters.computeIfAbsent(endpoint + "|error", k -> Counter.builder("s3jars.admissions")
                .description("Admission reviews answered")
                .tags("endpoint", endpoint, "outcome", "error", "mode", "none", "bucket", "none")
                .register(registry)).increment();
    }

    private Timer timer(String endpoint, String outcome) {
        return timers.computeIfAbsent(endpoint + '|' + outcome, k -> Timer.builder("s3jars.admission.duration")
                .description("Time from parsed request to answer, in the webhook")
                .tags("endpoint", endpoint, "outcome", outcome)
                .serviceLevelObjectives(SLOS)
                .register(registry));
    }

    private static String outcome(Decision decision) {
        if (decision instanceof Decision.Patch patch) {
            return patch.changesPod() ? "patched" : "unchanged";
        }
        return decision instanceof Decision.Deny ? "denied" : "skipped";
    }
}
