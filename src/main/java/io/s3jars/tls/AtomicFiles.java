package io.s3jars.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Replaces a set of files together, the way the kubelet updates a mounted Secret: the files are
 * written into a fresh folder, a {@code ..data} link is swapped to it in one rename, and each
 * name is a link through {@code ..data}. A reader that reloads while we write sees the old pair
 * or the new pair of certificate and key, never one of each.
 */
public final class AtomicFiles {

    private static final String DATA = "..data";

    private AtomicFiles() {
    }

    public static void write(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        Path version = Files.createTempDirectory(dir, "..version-");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = version.resolve(file.getKey());
            Files.writeString(target, file.getValue());
            if (file.getKey().endsWith(".key")) {
                restrict(target);
            }
        }
        Path previous = Files.isSymbolicLink(dir.resolve(DATA)) ? dir.resolve(Files.readSymbolicLink(dir.resolve(DATA)))
                : null;
        Path nextLink = dir.resolve("..data_tmp");
        Files.deleteIfExists(nextLink);
        Files.createSymbolicLink(nextLink, version.getFileName());
        Files.move(nextLink, dir.resolve(DATA), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (String name : files.keySet()) {
            Path link = dir.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                Path temporary = dir.resolve(".." + name + "_tmp");
                Files.deleteIfExists(temporary);
                Files.createSymbolicLink(temporary, Path.of(DATA, name));
                Files.move(temporary, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (previous != null && Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> old = Files.walk(previous)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void restrict(Path key) throws IOException {
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's ACL applies.
        }
    }
}
