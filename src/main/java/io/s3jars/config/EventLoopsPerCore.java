package io.s3jars.config;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One Vert.x event loop per available core instead of Quarkus's two. Admission work never blocks
 * and runs on the event loop, so a second loop per core only makes two busy threads share a core:
 * a request then waits a whole scheduler slice (figures in docs/performance.md).
 * Lowest priority, so {@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE} still wins.
 */
public final class EventLoopsPerCore implements ConfigSource {

    private static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, String.valueOf(Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTY.equals(propertyName) ? getProperties().get(PROPERTY) : null;
    }

    @Override
    public String getName() {
        return "s3jars-event-loops-per-core";
    }

    @Override
    public int getOrdinal() {
        return 1;
    }
}
