package io.s3jars.app;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live only while every event loop answers: admissions run on the event loops, so a loop stuck for
 * seconds (a bug, a pathological input) answers nothing, and the kubelet should restart the replica
 * rather than let the API server time out on it. Once a second each loop is handed a task that
 * stamps the time; a loop whose stamp is older than {@link #STUCK_AFTER} is stuck.
 */
@Liveness
@ApplicationScoped
public class EventLoopLiveness implements HealthCheck {

    static final Duration STUCK_AFTER = Duration.ofSeconds(5);

    private final Duration stuckAfter;
    private final List<EventExecutor> loops = new ArrayList<>();
    private final List<AtomicLong> answered = new ArrayList<>();
    private ScheduledExecutorService pinger;

    public EventLoopLiveness() {
        this(STUCK_AFTER);
    }

    EventLoopLiveness(Duration stuckAfter) {
        this.stuckAfter = stuckAfter;
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        watch(vertx);
    }

    void watch(Vertx vertx) {
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            loops.add(loop);
            answered.add(new AtomicLong(System.nanoTime()));
        }
        pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "s3jars-event-loop-liveness");
            thread.setDaemon(true);
            return thread;
        });
        pinger.scheduleWithFixedDelay(this::ping, 1, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (pinger != null) {
            pinger.shutdownNow();
        }
    }

    private void ping() {
        for (int i = 0; i < loops.size(); i++) {
            AtomicLong stamp = answered.get(i);
            loops.get(i).execute(() -> stamp.set(System.nanoTime()));
        }
    }

    @Override
    public HealthCheckResponse call() {
        long now = System.nanoTime();
        long worst = 0;
        for (AtomicLong stamp : answered) {
            worst = Math.max(worst, now - stamp.get());
        }
        Duration silent = Duration.ofNanos(worst);
        return HealthCheckResponse.named("s3jars-event-loops")
                .status(silent.compareTo(stuckAfter) <= 0)
                .withData("eventLoops", loops.size())
                .withData("longestSilenceMillis", silent.toMillis())
                .build();
    }
}
