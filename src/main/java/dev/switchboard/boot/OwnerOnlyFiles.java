package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold or grant access to a secret (the embedded database's password, its
 * {@code pg_hba.conf}): readable and writable by the hub's user only, and replaced in one step, so
 * that a crash never leaves half a file that the next start would misread.
 */
final class OwnerOnlyFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private OwnerOnlyFiles() {
    }

    static void write(Path file, String text) {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            // A secret may be the first file of its folder (on an external database, the embedded
            // broker's password opens a fresh data folder): a folder made here is the owner's only.
            Files.createDirectories(file.toAbsolutePath().getParent(),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
            Files.deleteIfExists(next);
            // Created with these permissions, never readable by others even for a moment.
            Files.createFile(next, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(next, text);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    /**
     * A folder only the owner may enter (mode 700): created so, or taken back from wider
     * permissions. What is inside, whatever its own permissions, is out of others' reach.
     */
    static void folder(Path folder) {
        try {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
            if (!Files.getPosixFilePermissions(folder).equals(OWNER_ONLY_FOLDER)) {
                Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not restrict the permissions of " + folder, e);
        }
    }

    /** Takes back what others may read or write of a file that was copied or restored with wider permissions. */
    static void restrict(Path file) {
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not restrict the permissions of " + file, e);
        }
    }
}
