package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new embedded database needs its password from its first moment, not from when the hub has set
 * one: a local user trying all the while to get in without it, as the security pass did (and
 * created a superuser of their own), never does. Its programs run from a folder of the hub's user alone.
 */
class EmbeddedDatabaseFirstStartTest {

    @Test
    void aNewDatabaseLetsNobodyInWithoutThePasswordEvenWhileItStarts(@TempDir Path work) throws Exception {
        int port = FreePorts.pick();
        AtomicBoolean starting = new AtomicBoolean(true);
        AtomicInteger letIn = new AtomicInteger();
        AtomicInteger tries = new AtomicInteger();
        Thread intruder = new Thread(() -> {
            Properties noPassword = new Properties();
            noPassword.setProperty("user", EmbeddedDatabase.USER);
            noPassword.setProperty("connectTimeout", "1");
            while (starting.get()) {
                tries.incrementAndGet();
                try (Connection connection = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl(port), noPassword);
                        Statement statement = connection.createStatement()) {
                    letIn.incrementAndGet();
                    statement.execute("create role intruder superuser login password 'intruder'");
                } catch (SQLException refusedOrNotUpYet) {
                    // tried again at once
                }
            }
        });
        intruder.start();
        EmbeddedDatabase.Launched launched;
        try {
            launched = EmbeddedDatabase.launch(work.resolve("postgres"), port, Optional.empty());
        } finally {
            starting.set(false);
            intruder.join();
        }
        try (Connection connection = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl(port), EmbeddedDatabase.USER,
                launched.password()); Statement statement = connection.createStatement();
                ResultSet roles = statement.executeQuery("select count(*) from pg_roles where rolname = 'intruder'")) {
            roles.next();
            assertEquals(0, letIn.get(), "connections let in without the password, of " + tries.get() + " tries");
            assertEquals(0, roles.getInt(1), "no role of the intruder's");
        } finally {
            launched.server().close();
        }
    }

    /**
     * A first start that fails after initdb (here: its port was taken) leaves a database that needs
     * the password initdb gave it: the next start knows it, and starts.
     */
    @Test
    void aFirstStartThatFailsAfterInitdbIsFollowedByOneThatStarts(@TempDir Path work) throws Exception {
        Path directory = work.resolve("postgres");
        int taken;
        try (ServerSocket occupied = new ServerSocket(0)) {
            taken = occupied.getLocalPort();
            assertThrows(RuntimeException.class, () -> EmbeddedDatabase.launch(directory, taken, Optional.empty()).server()
                    .close());
        }
        assertTrue(Files.exists(directory.resolve("PG_VERSION")), "initdb ran before the start failed");
        // The next start is a new process; in this one the library keeps the failed directory's
        // lock, so it starts on a copy of the data folder, the password file and all.
        Path next = Files.createDirectory(work.resolve("next"));
        try (var files = Files.walk(work.resolve("postgres"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, next.resolve("postgres").resolve(directory.relativize(file).toString()),
                        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        for (Path kept : (Iterable<Path>) Files.list(work).filter(file -> file.toString().endsWith(".password"))::iterator) {
            Files.copy(kept, next.resolve(kept.getFileName().toString()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        EmbeddedDatabase.Launched launched = EmbeddedDatabase.launch(next.resolve("postgres"), 0, Optional.empty());
        try (Connection connection = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl(launched.server().getPort()),
                EmbeddedDatabase.USER, launched.password())) {
            assertTrue(connection.isValid(5));
        } finally {
            launched.server().close();
        }
    }

    @Test
    void itsProgramsRunFromAFolderOfTheHubsUserAlone(@TempDir Path work) throws Exception {
        // Started once (by the test above, or here), as the hub does.
        EmbeddedDatabase.Launched launched = EmbeddedDatabase.launch(work.resolve("postgres"), 0, Optional.empty());
        launched.server().close();
        Path binaries = PostgresBinaries.directory();
        assertEquals(binaries.getParent(), PostgresBinaries.owned());
        try (var unpacked = Files.list(binaries)) {
            assertTrue(unpacked.anyMatch(folder -> folder.getFileName().toString().startsWith("PG-")), "unpacked there");
        }
        Path owned = PostgresBinaries.owned();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(owned,
                LinkOption.NOFOLLOW_LINKS)), "after the library unpacked its programs");
        assertEquals(System.getProperty("user.name"), Files.getOwner(owned, LinkOption.NOFOLLOW_LINKS).getName());
    }
}
