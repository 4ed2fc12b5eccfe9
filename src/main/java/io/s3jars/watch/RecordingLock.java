package io.s3jars.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;

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
        try {
            return lock.get(client);
        } catch (RuntimeException e) {
            ApiServerProblems.record(e);
            throw e;
        }
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
        try {
            lock.create(client, record);
        } catch (RuntimeException e) {
            ApiServerProblems.record(e);
            throw e;
        }
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
        try {
            lock.update(client, record);
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
