package io.s3jars.nodeagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Is a bucket's mount live? Its path must be a FUSE mount point in the mount table, and a
 * {@code stat} of it must answer within the timeout: a {@code mount-s3} that died leaves the mount
 * answering "Transport endpoint is not connected", one that hangs leaves {@code stat} blocked in
 * the kernel. A blocked {@code stat} cannot be interrupted, so it runs on a thread of its own, and
 * while it is still blocked the mount counts as not live and no second {@code stat} is started:
 * at most one thread per bucket, whatever the mount does.
 */
final class MountCheck implements AutoCloseable {

    /** What one check found. */
    record Result(boolean live, String reason) {
        static final Result LIVE = new Result(true, "live");
    }

    private final Path mountinfo;
    private final Duration timeout;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "s3jars-mount-check");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Future<?>> pending = new java.util.HashMap<>();

    MountCheck(Path mountinfo, Duration timeout) {
        this.mountinfo = mountinfo;
        this.timeout = timeout;
    }

    /** Checks one mount path; called from the agent's one loop thread. */
    Result check(String path) {
        Map<String, String> mounts;
        try {
            mounts = MountTable.read(mountinfo);
        } catch (IOException e) {
            return new Result(false, "cannot read " + mountinfo + ": " + e.getMessage());
        }
        String type = mounts.get(path);
        if (type == null) {
            return new Result(false, "not mounted");
        }
        if (!MountTable.isFuse(type)) {
            return new Result(false, "mounted, but as " + type + ", not a FUSE file system");
        }
        return stat(path);
    }

    /** Whether something is mounted at the path, live or not (as the mount table says). */
    boolean present(String path) {
        try {
            return MountTable.read(mountinfo).containsKey(path);
        } catch (IOException e) {
            return false;
        }
    }

    private Result stat(String path) {
        Future<?> previous = pending.get(path);
        if (previous != null && !previous.isDone()) {
            return new Result(false, "stat of " + path + " still blocked since an earlier check");
        }
        Future<BasicFileAttributes> stat = threads.submit(() -> Files.readAttributes(Path.of(path),
                BasicFileAttributes.class));
        pending.put(path, stat);
        try {
            stat.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Result.LIVE;
        } catch (TimeoutException e) {
            return new Result(false, "stat of " + path + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Result(false, "stat of " + path + " failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
