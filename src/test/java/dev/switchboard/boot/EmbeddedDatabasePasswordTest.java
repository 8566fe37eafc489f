package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The password of the embedded database across starts of one data directory: set on the first
 * start, also of a directory an older version created without one; kept and reused by the next
 * start; replaced by a configured one. Each test runs its own server on its own directory.
 */
class EmbeddedDatabasePasswordTest {

    @Test
    void aDataDirectoryCreatedWithoutAPasswordGetsOneOnItsNextStart() throws Exception {
        Path directory = Files.createTempDirectory(Path.of("target"), "older-postgres-").resolve("postgres");
        // What versions before passwords left behind: initdb -A trust, every local connection let in.
        try (EmbeddedPostgres older = EmbeddedPostgres.builder().setDataDirectory(directory)
                .setCleanDataDirectory(false).start()) {
            DriverManager.getConnection(EmbeddedDatabase.jdbcUrl(older.getPort()), "postgres", "").close();
        }

        EmbeddedDatabase.Launched launched = EmbeddedDatabase.launch(directory, 0, Optional.empty());
        try (EmbeddedPostgres server = launched.server()) {
            assertRefusedWithout(server.getPort(), launched.password());
            assertEquals(launched.password(), Files.readString(directory.resolveSibling("postgres.password")).strip());
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(directory.resolveSibling("postgres.password"))));
        }
    }

    @Test
    void theNextStartOfTheSameDataDirectoryLogsInWithTheKeptPassword() throws Exception {
        Path directory = Files.createTempDirectory(Path.of("target"), "restarted-postgres-").resolve("postgres");
        String first;
        try (EmbeddedPostgres server = (EmbeddedDatabase.launch(directory, 0, Optional.empty())).server()) {
            first = Files.readString(directory.resolveSibling("postgres.password")).strip();
        }
        EmbeddedDatabase.Launched again = EmbeddedDatabase.launch(directory, 0, Optional.empty());
        try (EmbeddedPostgres server = again.server()) {
            assertEquals(first, again.password());
            assertRefusedWithout(server.getPort(), first);
        }
    }

    @Test
    void aConfiguredPasswordReplacesTheGeneratedOneAtTheNextStart() throws Exception {
        Path directory = Files.createTempDirectory(Path.of("target"), "configured-postgres-").resolve("postgres");
        String generated;
        try (EmbeddedPostgres server = EmbeddedDatabase.launch(directory, 0, Optional.empty()).server()) {
            generated = Files.readString(directory.resolveSibling("postgres.password")).strip();
        }
        String configured = "chosen by the operator, with 'quotes'";
        EmbeddedDatabase.Launched launched = EmbeddedDatabase.launch(directory, 0, Optional.of(configured));
        try (EmbeddedPostgres server = launched.server()) {
            assertEquals(configured, launched.password());
            assertEquals(configured, Files.readString(directory.resolveSibling("postgres.password")).strip());
            assertRefusedWithout(server.getPort(), configured);
            SQLException old = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    EmbeddedDatabase.jdbcUrl(server.getPort()), "postgres", generated).close());
            assertEquals("28P01", old.getSQLState(), "the generated password no longer works");
        }
        assertNotEquals(configured, generated);
    }

    /** Only this password lets a client in, over TCP and for replication alike. */
    private static void assertRefusedWithout(int port, String password) throws SQLException {
        String url = EmbeddedDatabase.jdbcUrl(port);
        EmbeddedDatabaseSecurityTest.assertRefusedWithoutPassword(assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url, "postgres", "").close()));
        SQLException wrong = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url, "postgres", password + "x").close());
        assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
        SQLException replication = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                url + "?replication=database&preferQueryMode=simple", "postgres", password + "x").close());
        assertEquals("28P01", replication.getSQLState(), replication.getMessage());
        try (Connection connection = DriverManager.getConnection(url, "postgres", password)) {
            assertTrue(connection.isValid(5));
        }
        try (Connection connection = DriverManager.getConnection(
                url + "?replication=database&preferQueryMode=simple&assumeMinServerVersion=9.4", "postgres", password)) {
            assertTrue(connection.isValid(5));
        }
    }
}
