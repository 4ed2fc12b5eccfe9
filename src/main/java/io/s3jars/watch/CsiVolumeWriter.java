package io.s3jars.watch;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The csi volume controller's writes: each one checks the Lease first, is logged, and is recorded
 * as an Event on the object.
 */
final class CsiVolumeWriter {

    private static final Logger LOG = Logger.getLogger(CsiVolumeController.class);

    private final KubernetesClient client;
    private final BooleanSupplier holdsLease;
    private final AtomicLong writes = new AtomicLong();
    private final Set<String> warnedNotOwned = ConcurrentHashMap.newKeySet();

    CsiVolumeWriter(KubernetesClient client, BooleanSupplier holdsLease) {
        this.client = client;
        this.holdsLease = holdsLease;
    }

    /** Objects created, updated or deleted since start. */
    long writes() {
        return writes.get();
    }

    void create(HasMetadata object, String why) {
        checkLease();
        try {
            client.resource(object).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            HasMetadata current = client.resource(object).get();
            if (current == null || !CsiVolumeObjects.owned(current.getMetadata().getLabels())) {
                warnNotOwned(describe(object));
            }
            return; // s3jars' own, created a moment ago: the cache had not seen it yet
        }
        changed(object, "Created", "s3jars created " + describe(object) + " " + why);
    }

    void warnNotOwned(String object) {
        if (warnedNotOwned.add(object)) {
            LOG.warnf("csi volumes: %s exists and is not s3jars' (no label %s=%s); left alone, and pods in csi mode"
                    + " mount it as it is", object, CsiVolumeObjects.MANAGED_BY, CsiVolumeObjects.OWNER);
        }
    }

    void update(HasMetadata object, String why) {
        checkLease();
        client.resource(object).update();
        changed(object, "Restored", "s3jars " + why + " on " + describe(object));
    }

    void delete(HasMetadata object, String why) {
        checkLease();
        client.resource(object).delete();
        changed(object, "Deleted", "s3jars deleted " + describe(object) + ": " + why);
    }

    /**
     * Every write checks the Lease first: a pass that outlives this replica's hold stops at its next
     * write instead of acting on a policy the new holder may have moved past.
     */
    private void checkLease() {
        if (!holdsLease.getAsBoolean()) {
            throw new LostLease();
        }
    }

    /** The pass ends: this replica no longer holds the Lease. */
    static final class LostLease extends RuntimeException {
        LostLease() {
            super(null, null, false, false);
        }
    }

    private void changed(HasMetadata object, String reason, String message) {
        writes.incrementAndGet();
        LOG.info("csi volumes: " + message);
        event(object, reason, message);
    }

    /** An Event on the object, for {@code kubectl describe}; losing one is logged, never fatal. */
    private void event(HasMetadata object, String reason, String message) {
        Event event = ObjectEvents.of(object, "Normal", reason, message);
        try {
            client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("csi volumes: no Event for %s: %s", describe(object), ApiServerProblems.firstLine(e));
        }
    }

    private static String describe(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
    }
}
