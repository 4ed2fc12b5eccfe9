package io.s3jars.nodeagent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Is a bucket's mount live? Its path must be a FUSE mount point in the mount table, and opening it
 * as a directory must succeed within the timeout: a {@code mount-s3} that died leaves the mount
 * answering "Transport endpoint is not connected", one that hangs leaves the call blocked in the
 * kernel. An open, not a {@code stat}: the kernel answers a {@code stat} from its attribute cache
 * without asking the FUSE server (for long, with {@code --metadata-ttl indefinite}), so a dead
 * mount would look live; an open always reaches the server. Nothing is listed, so a check costs no
 * S3 request. A blocked call cannot be interrupted, so it runs on a thread of its own, and while
 * it is still blocked the mount counts as not live and no second one is started: at most one
 * thread per bucket, whatever the mount does.
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
        return open(path);
    }

    /** Drops what is kept for a path no longer checked; a check still blocked keeps its thread. */
    void forget(String path) {
        pending.remove(path);
    }

    /** Whether something is mounted at the path, live or not (as the mount table says). */
    boolean present(String path) {
        try {
            return MountTable.read(mountinfo).containsKey(path);
        } catch (IOException e) {
            return false;
        }
    }

    private Result open(String path) {
        Future<?> previous = pending.get(path);
        if (previous != null && !previous.isDone()) {
            return new Result(false, "opening " + path + " still blocked since an earlier check");
        }
        Future<?> open = threads.submit(() -> {
            try (DirectoryStream<Path> directory = Files.newDirectoryStream(Path.of(path))) {
                return directory;
            }
        });
        pending.put(path, open);
        try {
            open.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Result.LIVE;
        } catch (TimeoutException e) {
            return new Result(false, "opening " + path + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Result(false, "opening " + path + " failed: " + e.getCause().getMessage());
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
