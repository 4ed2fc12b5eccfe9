package io.s3jars.nodeagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One bucket's mount on this node: starts {@code mount-s3} in the foreground, restarts it with a
 * bounded exponential backoff when it exits or its mount stops answering, and says whether the
 * mount is live. With {@code manageMount} off it only checks a mount made by someone else (node
 * user data). Driven by the agent's one loop thread; not thread-safe.
 */
final class BucketMountSupervisor {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** A mount-s3 that has not made its mount live by then is stopped and started again. */
    static final Duration START_GRACE = Duration.ofSeconds(30);
    /** Live this long, the next failure starts again from the first backoff. */
    static final Duration STABLE = Duration.ofMinutes(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** How a supervisor runs processes; the agent's is {@link ProcessBuilder}, tests may count. */
    interface Processes {
        Process start(List<String> argv) throws IOException;

        /** Runs a short command (umount) to its end; its exit status. */
        int run(List<String> argv) throws IOException, InterruptedException;
    }

    private NodeMount mount;
    private final AgentSettings settings;
    private final MountCheck check;
    private final Processes processes;
    private final AgentEvents events;

    private Process process;
    private Instant startedAt;
    private Instant nextStart = Instant.MIN;
    private Instant liveSince;
    private Duration backoff = FIRST_BACKOFF;
    /** Written by the agent's loop, read by the metrics endpoint's threads. */
    private volatile boolean live;
    private String state = "new";

    BucketMountSupervisor(NodeMount mount, AgentSettings settings, MountCheck check, Processes processes,
            AgentEvents events) {
        this.mount = mount;
        this.settings = settings;
        this.check = check;
        this.processes = processes;
        this.events = events;
    }

    NodeMount mount() {
        return mount;
    }

    /** New mount-ready labels for the same mount: the mount stays, only what the node says changes. */
    void relabel(NodeMount relabelled) {
        if (!mount.sameMountAs(relabelled)) {
            throw new IllegalArgumentException("not the same mount: " + relabelled);
        }
        mount = relabelled;
    }

    boolean live() {
        return live;
    }

    /** Whether anything is mounted at the bucket's path (live or not): the node annotation records it. */
    boolean present() {
        return process != null && process.isAlive() || check.present(mount.path());
    }

    /** One round: notice an exit, check the mount, start or restart mount-s3 when it is due. */
    void tick(Instant now) {
        MountCheck.Result result;
        if (process != null && !process.isAlive()) {
            // Whatever the mount table still shows, the mount died with its process.
            int status = process.exitValue();
            process = null;
            failed(now, "mount-s3 exited with status " + status);
            result = new MountCheck.Result(false, "mount-s3 exited");
        } else {
            result = check.check(mount.path());
        }
        if (result.live() && process == null && settings.manageMount()) {
            // Not this agent's mount-s3: it could be another bucket's mount left at this path, so
            // it is replaced rather than trusted.
            result = new MountCheck.Result(false, "a mount this agent did not make is at the path");
        }
        if (result.live()) {
            if (liveSince == null) {
                liveSince = now;
            }
            if (Duration.between(liveSince, now).compareTo(STABLE) >= 0) {
                backoff = FIRST_BACKOFF;
            }
            become(true, "live");
            return;
        }
        liveSince = null;
        if (!settings.manageMount()) {
            become(false, result.reason());
            return;
        }
        if (process != null) {
            if (Duration.between(startedAt, now).compareTo(START_GRACE) < 0) {
                become(false, "mount-s3 starting: " + result.reason());
                return;
            }
            stopProcess();
            failed(now, "mount not live " + START_GRACE.toSeconds() + " s after mount-s3 started (" + result.reason()
                    + "); mount-s3 stopped");
        }
        if (now.isBefore(nextStart)) {
            live = false;
            return;
        }
        start(now, result.reason());
    }

    /**
     * Takes the mount down: stops mount-s3 (which unmounts on SIGTERM) and unmounts whatever is
     * left, lazily if it is busy. Called only once the node no longer says the mount is ready.
     *
     * @return whether nothing is mounted at the path any more
     */
    boolean takeDown() {
        stopProcess();
        live = false;
        if (settings.manageMount() && check.present(mount.path())) {
            unmount();
        }
        boolean gone = !check.present(mount.path());
        if (gone) {
            check.forget(mount.path());
        }
        events.log(mount.bucket(), gone ? "unmounted " + mount.path() : "still mounted at " + mount.path()
                + " after umount; will try again");
        return gone;
    }

    private void start(Instant now, String why) {
        try {
            if (check.present(mount.path())) {
                // A dead FUSE mount (mount-s3 gone) must be cleared before a new one can take the path.
                unmount();
            }
            Files.createDirectories(Path.of(mount.path()));
            Path cache = settings.cacheRoot().resolve(mount.bucket());
            Files.createDirectories(cache);
            process = processes.start(MountS3Command.argv(settings.mountS3(), mount, cache));
            startedAt = now;
            become(false, "mount-s3 started (" + why + ")");
        } catch (IOException e) {
            failed(now, "cannot start " + settings.mountS3() + ": " + e.getMessage());
        }
    }

    private void failed(Instant now, String why) {
        events.restarted(mount.bucket());
        nextStart = now.plus(backoff);
        become(false, why + "; restart in " + backoff.toMillis() / 1000.0 + " s");
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void unmount() {
        try {
            if (processes.run(List.of(settings.umount(), mount.path())) != 0) {
                // Busy (a process has the mount open) or dead: detach it now, the kernel frees it when unused.
                processes.run(List.of(settings.umount(), "-l", mount.path()));
            }
        } catch (IOException e) {
            events.log(mount.bucket(), "cannot run " + settings.umount() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One log line per change of state. */
    private void become(boolean nowLive, String description) {
        live = nowLive;
        if (!description.equals(state)) {
            state = description;
            events.log(mount.bucket(), description);
        }
    }
}
