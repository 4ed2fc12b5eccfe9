package io.s3jars.nodeagent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mount-s3} command line for a node mount: in the foreground (the agent supervises the
 * process), read-only, readable by the pods' users, metadata cached for as long as the mount lives
 * (jars do not change under a running job), a cache directory of the bucket's own with a size limit.
 * Every value comes from a validated policy; none starts with '-' (the parser refuses such a prefix).
 */
final class MountS3Command {

    private MountS3Command() {
    }

    static List<String> argv(String mountS3, NodeMount mount, Path cacheDirectory) {
        List<String> argv = new ArrayList<>(List.of(mountS3, mount.bucket(), mount.path(), "--foreground",
                "--read-only", "--allow-other", "--metadata-ttl", "indefinite",
                "--cache", cacheDirectory.toString(), "--max-cache-size", Long.toString(mount.cacheSizeMiB())));
        mount.region().ifPresent(region -> argv.addAll(List.of("--region", region)));
        mount.prefix().ifPresent(prefix -> argv.addAll(List.of("--prefix", prefix)));
        return argv;
    }
}
