package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubTestProfile;

/**
 * The embedded database the hub started is durable and needs its password: fsync, synchronous
 * commits and full page writes are on, a connection without the password or with a wrong one is
 * refused, and the password is the one kept, readable by the hub's user only, next to the data.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class EmbeddedDatabaseSecurityTest {

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @ConfigProperty(name = "switchboard.data-dir")
    Path dataDir;

    @Test
    void theEmbeddedDatabaseRunsWithFsyncSynchronousCommitAndFullPageWritesOn() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
                assertEquals("on", show(connection, setting), setting);
            }
        }
    }

    @Test
    void aConnectionWithoutThePasswordIsRefused() {
        Properties userOnly = new Properties();
        userOnly.setProperty("user", username);
        assertRefusedWithoutPassword(assertThrows(SQLException.class,
                () -> DriverManager.getConnection(jdbcUrl, userOnly).close()));
        assertRefusedWithoutPassword(assertThrows(SQLException.class,
                () -> DriverManager.getConnection(jdbcUrl, username, "").close()));
    }

    @Test
    void aConnectionWithAWrongPasswordIsRefused() {
        SQLException refused = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(jdbcUrl, username, password + "x").close());
        assertEquals("28P01", refused.getSQLState(), refused.getMessage());
    }

    @Test
    void thePasswordFileIsReadableByTheHubsUserOnlyAndHoldsTheDatasourcePassword() throws Exception {
        Path file = dataDir.resolve("postgres.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(password, Files.readString(file).strip());
        assertEquals(32, password.length(), "generated: 32 URL-safe characters");
        try (Connection connection = DriverManager.getConnection(jdbcUrl, username, password)) {
            assertEquals("on", show(connection, "fsync"));
        }
    }

    /**
     * Refused by the server (28P01, 28000), or by the driver once the server asked for a SCRAM
     * password that the client does not have (08004): PostgreSQL's JDBC driver does not send an
     * empty one, so the server's request for it is the proof that it would not let the client in.
     */
    static void assertRefusedWithoutPassword(SQLException refused) {
        String why = refused.getSQLState() + ": " + refused.getMessage();
        assertTrue(Set.of("28P01", "28000").contains(refused.getSQLState())
                || "08004".equals(refused.getSQLState()) && refused.getMessage().contains("requested SCRAM"), why);
    }

    static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("show " + setting)) {
            result.next();
            return result.getString(1);
        }
    }
}
