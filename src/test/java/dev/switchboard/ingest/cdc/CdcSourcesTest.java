package dev.switchboard.ingest.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.switchboard.connect.DataSources;
import dev.switchboard.ingest.SourcesConfig;

/** How {@code kind=cdc} sources are read from configuration, and how a broken one stops startup. */
class CdcSourcesTest {

    static final String HUB = "jdbc:postgresql://hub-db:5433/switchboard";

    @Test
    void defaultsCaptureTheHubsOwnDatabaseWithSlotAndPublicationNamedAfterTheSource() {
        CdcSource source = single(load(Map.of(
                "switchboard.sources.crm-db.kind", "cdc",
                "switchboard.sources.crm-db.tables", "public.customers, public.orders")));

        assertEquals(List.of("public.customers", "public.orders"), source.tables());
        assertEquals(new CapturedDatabase(HUB, "hub-db", 5433, "switchboard", "hub", "hub-secret"), source.database());
        assertEquals("switchboard_crm_db", source.slot());
        assertEquals("switchboard_crm_db", source.publication());
        assertEquals("pgoutput", source.pluginName());
        assertEquals("no_data", source.snapshotMode());
        assertEquals("db.customers.created", source.eventType().of("public", "customers", "created"));
    }

    @Test
    void aNamedDatasourceIsCapturedWithItsCredentials() {
        CdcSource source = single(load(Map.of(
                "switchboard.datasources.crm.jdbc-url", "jdbc:postgresql://crm-db/crm?sslmode=require",
                "switchboard.datasources.crm.username", "replicator",
                "switchboard.datasources.crm.password", "pw",
                "switchboard.sources.crm.kind", "cdc",
                "switchboard.sources.crm.database", "crm",
                "switchboard.sources.crm.tables", "sales.orders",
                "switchboard.sources.crm.slot", "crm_slot",
                "switchboard.sources.crm.event-type", "crm.{schema}.{table}.{op}")));

        assertEquals("crm-db", source.database().host());
        assertEquals(5432, source.database().port());
        assertEquals("crm", source.database().dbname());
        assertEquals("replicator", source.database().user());
        assertEquals("crm_slot", source.slot());
        assertEquals("switchboard_crm", source.publication());
        assertEquals("crm.sales.orders.deleted", source.eventType().of("sales", "orders", "deleted"));
    }

    @Test
    void aJdbcUrlTheDriverCannotReadIsRefusedWithoutItsCredentials() {
        // The unencoded @ makes the driver read "secret@crm-db" as the port.
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> CapturedDatabase.of("jdbc:postgresql://ada:secret@crm-db/crm?password=secret", Optional.empty(), Optional.empty()));
        assertTrue(refused.getMessage().startsWith("not a PostgreSQL JDBC URL: "), refused.getMessage());
        assertTrue(!refused.getMessage().contains("secret"), refused.getMessage());
    }

    @Test
    void aBrokenSourceStopsStartupNamingItAndTheReason() {
        ConfigurationException error = assertThrows(ConfigurationException.class, () -> load(Map.of(
                "switchboard.sources.no-tables.kind", "cdc",
                "switchboard.sources.elsewhere.kind", "cdc",
                "switchboard.sources.elsewhere.tables", "public.t",
                "switchboard.sources.elsewhere.database", "missing",
                "switchboard.sources.bad-type.kind", "cdc",
                "switchboard.sources.bad-type.tables", "public.t",
                "switchboard.sources.bad-type.event-type", "db.{tabel}",
                "switchboard.sources.bad-table.kind", "cdc",
                "switchboard.sources.bad-table.tables", "customers")));

        String message = error.getMessage();
        assertTrue(message.contains("Source 'no-tables': a cdc source needs tables"), message);
        assertTrue(message.contains("Source 'elsewhere': database 'missing' is not a datasource"), message);
        assertTrue(message.contains("Source 'bad-type': event-type has an unknown placeholder {tabel}"), message);
        assertTrue(message.contains("Source 'bad-table': table 'customers' is not schema.table"), message);
    }

    @Test
    void otherKindsAreNotCdcSources() {
        assertEquals(List.of(), load(Map.of("switchboard.sources.shop.kind", "webhook")).all());
    }

    @Test
    void debeziumOperationsAreNamedInEventTypes() {
        assertEquals(List.of("created", "updated", "deleted", "read"),
                List.of("c", "u", "d", "r").stream().map(ChangeEventType::operation).toList());
    }

    private static CdcSource single(CdcSources sources) {
        assertEquals(1, sources.all().size());
        return sources.all().get(0);
    }

    private static CdcSources load(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(SourcesConfig.class).withMapping(DataSources.Config.class)
                // durations written as 5m, as Quarkus reads them
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return new CdcSources(config.getConfigMapping(SourcesConfig.class),
                config.getConfigMapping(DataSources.Config.class), HUB, Optional.of("hub"), Optional.of("hub-secret"));
    }
}
