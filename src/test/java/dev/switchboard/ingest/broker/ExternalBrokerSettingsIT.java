package dev.switchboard.ingest.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.HubProcess;
import dev.switchboard.support.OperatorBroker;

/**
 * The packaged hub in external mode (a PostgreSQL and an Artemis broker it did not start): on a
 * broker left with the distribution's address settings it does not start, and says which address
 * and setting, and the broker.xml that fixes it; on a broker that keeps redelivering it starts.
 */
class ExternalBrokerSettingsIT {

    static final Duration STARTUP = Duration.ofSeconds(120);

    static Path workingDirectory(String name, EmbeddedPostgres database, OperatorBroker broker, int httpPort)
            throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), name).toAbsolutePath();
        Files.writeString(work.resolve("application.properties"), String.join("\n",
                "quarkus.http.port=" + httpPort,
                "quarkus.datasource.jdbc.url=" + database.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username=postgres",
                "quarkus.datasource.password=postgres",
                "quarkus.artemis.url=" + broker.url(),
                "quarkus.artemis.username=admin",
                "quarkus.artemis.password=" + OperatorBroker.PASSWORD,
                "switchboard.sources.orders.kind=queue",
                "switchboard.sources.orders.address=legacy.orders", ""));
        return work;
    }

    @Test
    void anExternalBrokerWithTheDistributionsDefaultAddressSettingsStopsTheHubNamingTheAddressAndSetting()
            throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "refusing-broker-postgres-");
        int httpPort = HubProcess.freePort();
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(data).start();
                OperatorBroker broker = OperatorBroker.start(Map.of("#", OperatorBroker.distributionDefaults()));
                HubProcess hub = HubProcess.start(workingDirectory("refusing-broker-", database, broker, httpPort),
                        httpPort, Map.of())) {
            assertNotEquals(0, hub.awaitExit(STARTUP));
            String output = hub.output();
            assertTrue(output.contains("Broker address " + StreamAddresses.EVENTS + " has redelivery-delay 0 (max-delivery-attempts"
                    + " 10): during a database outage its messages are redelivered at once, in a loop, and moved to DLQ"
                    + " within a second. Fix it in broker.xml: <address-setting match=\"" + StreamAddresses.EVENTS + "\">"), output);
            assertTrue(output.contains("Broker address legacy.orders has redelivery-delay 0"), output);
            assertFalse(output.contains(OperatorBroker.PASSWORD), output);
        }
    }

    @Test
    void anExternalBrokerThatKeepsRedeliveringWithADelayLetsTheHubStart() throws Exception {
        AddressSettings backoff = ExternalBrokerSettingsTest.backoff();
        Path data = Files.createTempDirectory(Path.of("target"), "redelivering-broker-postgres-");
        int httpPort = HubProcess.freePort();
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(data).start();
                OperatorBroker broker = OperatorBroker.start(Map.of("#", OperatorBroker.distributionDefaults(),
                        StreamAddresses.EVENTS, backoff, "legacy.#", backoff));
                HubProcess hub = HubProcess.start(workingDirectory("redelivering-broker-", database, broker, httpPort),
                        httpPort, Map.of()).awaitReady(STARTUP)) {
            assertFalse(hub.output().contains("Broker address"), hub.output());
        }
    }
}
