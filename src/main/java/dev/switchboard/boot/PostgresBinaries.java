package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

/**
 * Where the embedded PostgreSQL's programs are unpacked: a folder of the hub's user alone. The
 * library's own choice, {@code /tmp/embedded-pg}, is made writable by everyone, so any local user
 * could put a {@code postgres} of their own there, and the hub would run it at its next start.
 */
final class PostgresBinaries {

    private PostgresBinaries() {
    }

    /**
     * {@code <java.io.tmpdir>/switchboard-postgres-<user>/embedded-pg}. The library makes the folder
     * it is given writable by everyone, so it gets one inside a folder of the hub's user alone:
     * created owner-only, and refused if anyone else could change it.
     */
    static Path directory() {
        return owned().resolve("embedded-pg");
    }

    /** The folder of the hub's user alone. */
    static Path owned() {
        Path directory = Path.of(System.getProperty("java.io.tmpdir"), "switchboard-postgres-" + System.getProperty("user.name"));
        try {
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OwnerOnlyFiles.OWNER_ONLY_FOLDER));
            } catch (FileAlreadyExistsException existing) {
                // made earlier, by this user if it is to be used (checked below)
            }
            UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
            UserPrincipal self = self();
            if (Files.isSymbolicLink(directory) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                    || !owner.equals(self)
                    || !Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS).equals(OwnerOnlyFiles.OWNER_ONLY_FOLDER)) {
                throw new IllegalStateException(directory + " is not a folder of " + self.getName() + " alone (mode 700):"
                        + " the embedded PostgreSQL's programs are not run from it. Remove it, or give the hub another"
                        + " java.io.tmpdir");
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + directory + " for the embedded PostgreSQL", e);
        }
    }

    /** The user this process runs as, as the file system names it (a container's user may have no name). */
    private static UserPrincipal self() throws IOException {
        Path probe = Files.createTempFile("switchboard-owner-", ".probe");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
