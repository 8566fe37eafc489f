package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

/**
 * The session key kept in the data directory: generated on first start into a file only its owner
 * can read, the same at every later start, and taken back to the owner if it was copied with wider
 * permissions.
 */
class SessionKeyTest {

    static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void theFirstStartGeneratesAKeyForTheOwnerOnlyAndLaterStartsReuseIt() throws IOException {
        Path data = Files.createTempDirectory(Path.of("target"), "session-key-").resolve("data");
        SessionKey key = SessionKey.in(data);
        String first = key.readOrCreate();
        assertEquals(data.resolve("session.key"), key.file());
        assertEquals("rw-------", permissions(key.file()));
        assertTrue(first.length() >= 40, first);
        assertEquals(first, Files.readString(key.file()).strip());

        assertEquals(first, SessionKey.in(data).readOrCreate(), "a restart keeps everyone signed in");
    }

    @Test
    void aKeyFileCopiedWithWiderPermissionsIsTakenBackToItsOwner() throws IOException {
        Path data = Files.createTempDirectory(Path.of("target"), "session-key-");
        Path file = data.resolve("session.key");
        Files.writeString(file, "a key restored from a backup\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("a key restored from a backup", SessionKey.in(data).readOrCreate());
        assertEquals("rw-------", permissions(file));
    }

    @Test
    void anEmptiedKeyFileIsReplacedByANewKey() throws IOException {
        Path data = Files.createTempDirectory(Path.of("target"), "session-key-");
        Files.writeString(data.resolve("session.key"), "\n");
        String replaced = SessionKey.in(data).readOrCreate();
        assertNotEquals("", replaced);
        assertEquals(replaced, Files.readString(data.resolve("session.key")).strip());
    }
}
