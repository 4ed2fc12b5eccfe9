package io.s3jars.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.util.function.Supplier;

/**
 * A Lease lock that records its failures in {@link ApiServerProblems}: fabric8's elector logs each
 * failed attempt with a stack trace every retry period, and that logger is turned down.
 */
final class RecordingLock implements Lock {

    private final Lock lock;

    RecordingLock(Lock lock) {
        this.lock = lock;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
        return recorded(() -> lock.get(client));
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
        recorded(() -> {
            lock.create(client, record);
            return null;
        });
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
        recorded(() -> {
            lock.update(client, record);
            return null;
        });
    }

    private static <T> T recorded(Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            // 409: another replica wrote the Lease first, which is the election working.
            if (e.getCode() != 409) {
                ApiServerProblems.record(e);
            }
            throw e;
        } catch (RuntimeException e) {
            ApiServerProblems.record(e);
            throw e;
        }
    }

    @Override
    public String identity() {
        return lock.identity();
    }

    @Override
    public String describe() {
        return lock.describe();
    }
}
