package io.s3jars.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.s3jars.decision.Decision;
import io.s3jars.policy.PolicySnapshot;
import io.s3jars.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Admissions by endpoint, outcome, mode and bucket, and their latency. Meters are cached per tag
 * set: the registry lookup is not free on a path that runs per pod.
 */
@ApplicationScoped
public class AdmissionMetrics {

    private static final Duration[] SLOS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250)};

    /** A cap on series whatever the policy holds: past it, new bucket sets are counted as "other". */
    private static final int MAX_SERIES = 500;

    private final MeterRegistry registry;
    private final PolicyStore policies;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    @Inject
    public AdmissionMetrics(MeterRegistry registry, PolicyStore policies) {
        this.registry = registry;
        this.policies = policies;
    }

    /** With no policy: every named bucket counts as "other". */
    AdmissionMetrics(MeterRegistry registry) {
        this(registry, new PolicyStore());
    }

    public void record(String endpoint, Decision decision, long nanos) {
        String outcome = outcome(decision);
        String mode = decision instanceof Decision.Patch patch ? patch.mode().label() : "none";
        String named = bucketTag(decision.buckets());
        String bucket = counters.size() >= MAX_SERIES && !counters.containsKey(endpoint + '|' + outcome + '|' + mode + '|'
                + named) ? "other" : named;
        counters.computeIfAbsent(endpoint + '|' + outcome + '|' + mode + '|' + bucket, k -> Counter
                .builder("s3jars.admissions").description("Admission reviews answered")
                .tags("endpoint", endpoint, "outcome", outcome, "mode", mode, "bucket", bucket)
                .register(registry)).increment();
        timer(endpoint, outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The buckets as a tag value, only when the policy in force declares every one of them: a
     * tenant's pods may name any text as a bucket, and must not fill the series cap with it.
     */
    private String bucketTag(List<String> buckets) {
        if (buckets.isEmpty()) {
            return "none";
        }
        Optional<PolicySnapshot> policy = policies.snapshot();
        if (policy.isEmpty() || !buckets.stream().allMatch(b -> policy.get().bucket(b).isPresent())) {
            return "other";
        }
        return String.join(",", buckets);
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
