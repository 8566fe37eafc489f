package dev.switchboard.ingest.cdc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.ops.ui.HealthTables;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;

/**
 * A CDC source on the hub's own (embedded) database, the embedded default's case: its changes
 * become events and go through the stream like any other. The captured table is created by the
 * test, after the source started: should Debezium fail on it, the route is restarted after 1 s.
 * The overview's source health shows it streaming, with the changes it received.
 */
@QuarkusTest
@TestProfile(CdcOwnDatabaseTest.Profile.class)
class CdcOwnDatabaseTest {

    /**
     * The shared test hub's settings and the CDC source: the rules folder is shared too, and a
     * model another test left there (one needing the test hub's {@code warehouse} datasource) kept
     * this hub's rules from loading, so nothing was consumed, when this test ran after it.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return HubTestProfile.with(Map.of(
                    "switchboard.sources.own.kind", "cdc",
                    "switchboard.sources.own.tables", "public.cdc_own_customers",
                    "switchboard.sources.own.event-type", "own.{table}.{op}",
                    "switchboard.cdc.restart-after", "1s"));
        }
    }

    @Inject
    AgroalDataSource database;

    @Inject
    CdcSources sources;

    @Inject
    CdcStatus status;

    @Inject
    HealthTables health;

    @Test
    void changesOfTheHubsOwnTablesBecomeEventsOnTheStream() {
        execute("create table if not exists public.cdc_own_customers (id int primary key, name text)");
        execute("alter table public.cdc_own_customers replica identity full");
        CdcSource own = sources.all().get(0);
        await().atMost(Duration.ofSeconds(60)).until(() -> status.of(own).state() == CdcStatus.State.STREAMING);

        int id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        execute("insert into cdc_own_customers values (" + id + ", 'Ada')");
        execute("update cdc_own_customers set name = 'Ada L.' where id = " + id);
        execute("delete from cdc_own_customers where id = " + id);

        String ofTheRow = "from event where source = 'own' and subject = '" + id + "'";
        // consumed from the stream: judged by the rules
        await().atMost(Duration.ofSeconds(30)).until(() -> HubState.count(database,
                "select count(*) " + ofTheRow + " and state in ('PROCESSED', 'IGNORED')") == 3);
        assertEquals(List.of("own.cdc_own_customers.created", "own.cdc_own_customers.updated",
                "own.cdc_own_customers.deleted"), List.of(
                        HubState.text(database, "select type " + ofTheRow + " and envelope->'data'->>'op' = 'created'"),
                        HubState.text(database, "select type " + ofTheRow + " and envelope->'data'->>'op' = 'updated'"),
                        HubState.text(database, "select type " + ofTheRow + " and envelope->'data'->>'op' = 'deleted'")));
        assertEquals("Ada", HubState.text(database,
                "select envelope->'data'->'before'->>'name' " + ofTheRow + " and type like '%.updated'"));
        assertEquals("Ada L.", HubState.text(database,
                "select envelope->'data'->'after'->>'name' " + ofTheRow + " and type like '%.updated'"));

        // The overview's source health: the source streams, and its changes were received and accepted.
        HealthTables.SourceRow row = health.sources().stream().filter(source -> source.name().equals("own"))
                .findFirst().orElseThrow();
        assertEquals(List.of("own", "cdc", "STREAMING"), List.of(row.name(), row.kind(), row.state()));
        assertTrue(row.recent().received() >= 3 && row.lastAccepted() != null, row::toString);
        assertEquals(0, row.errorRatePercent());
    }

    private void execute(String sql) {
        try (var connection = database.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
