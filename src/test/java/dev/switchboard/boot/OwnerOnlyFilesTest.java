package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

/**
 * A secret is written whole, owner-only, also where its folder is not there yet: on an external
 * database the embedded broker's password is the first file of a fresh data folder.
 */
class OwnerOnlyFilesTest {

    @Test
    void aSecretWrittenIntoAFolderThatDoesNotExistYetCreatesTheFolderForTheOwnerOnly() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "fresh-").resolve("data");
        Path secret = data.resolve("artemis.password");

        OwnerOnlyFiles.write(secret, "s3cret");

        assertEquals("s3cret", Files.readString(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    }

    @Test
    void aSecretWrittenAgainReplacesTheOldOneAndLeavesNoPartFileBehind() throws Exception {
        Path secret = Files.createTempDirectory(Path.of("target"), "kept-").resolve("postgres.password");
        OwnerOnlyFiles.write(secret, "first");

        OwnerOnlyFiles.write(secret, "second");

        assertEquals("second", Files.readString(secret));
        assertEquals(1, Files.list(secret.getParent()).count());
    }
}
