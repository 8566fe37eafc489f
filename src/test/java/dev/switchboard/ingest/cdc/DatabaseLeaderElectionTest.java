package dev.switchboard.ingest.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The {@code database} cluster kind: replicas elect each CDC source's leader with a PostgreSQL
 * advisory lock, so that a replica on another host can take over. Two Camel contexts, each as one
 * replica with its own {@link DatabaseLockClusterService} and a {@code master:} route, share a real
 * PostgreSQL; the leader's session is killed ({@code pg_terminate_backend}) or its context stopped,
 * and the other leads within the check interval, while the lock is never held by two sessions.
 */
class DatabaseLeaderElectionTest {

    static final Duration INTERVAL = Duration.ofMillis(500);
    static final String NAMESPACE = "switchboard-cdc-crm";

    static EmbeddedPostgres postgres;

    final List<CamelContext> replicas = new ArrayList<>();
    final List<String> ticks = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(Files.createTempDirectory(Path.of("target"), "leader-election-")).start();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(CamelContext::stop);
    }

    /** A replica: its election on the shared database, and a route that runs on the leader only. */
    CamelContext replica(String name) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addService(new DatabaseLockClusterService("switchboard-cdc", () -> {
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("ApplicationName", "leader-" + name);
            return DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), properties);
        }, INTERVAL));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + NAMESPACE + ":timer:capture?period=50&delay=0").routeId("cdc-crm")
                        .process(exchange -> ticks.add(name));
            }
        });
        camel.start();
        replicas.add(camel);
        return camel;
    }

    static boolean leads(CamelContext replica) {
        return replica.hasService(DatabaseLockClusterService.class).isLeader(NAMESPACE);
    }

    /** The applications whose sessions hold the namespace's lock, as PostgreSQL sees them. */
    static List<String> lockHolders() throws SQLException {
        long key = DatabaseLockClusterService.key(NAMESPACE);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select a.application_name from pg_locks l join"
                        + " pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted"
                        + " and l.classid = " + ((key >> 32) & 0xFFFFFFFFL) + " and l.objid = " + (key & 0xFFFFFFFFL))) {
            List<String> holders = new ArrayList<>();
            while (rows.next()) {
                holders.add(rows.getString(1));
            }
            return holders;
        }
    }

    static void terminate(String application) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = '"
                    + application + "'");
        }
    }

    /** Waits for the condition, checking meanwhile that no two sessions hold the lock; says how long it took. */
    static Duration await(String what, Duration within, BooleanSupplier condition) throws SQLException,
            InterruptedException {
        Instant start = Instant.now();
        while (!condition.getAsBoolean()) {
            assertTrue(lockHolders().size() <= 1, "two holders of one lock: " + lockHolders());
            assertTrue(Duration.between(start, Instant.now()).compareTo(within) < 0, "not within " + within + ": " + what);
            Thread.sleep(20);
        }
        return Duration.between(start, Instant.now());
    }

    @Test
    void oneReplicaLeadsAndWhenItsSessionIsKilledTheOtherLeadsWithinTheIntervalAndTheOldOneStops() throws Exception {
        CamelContext a = replica("a");
        await("a leads", INTERVAL.multipliedBy(4), () -> leads(a));
        // Camel's master consumer starts the route a moment after the leadership is taken.
        await("a's route runs", Duration.ofSeconds(5), () -> ticks.contains("a"));
        CamelContext b = replica("b");
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis());
        assertTrue(leads(a) && !leads(b), "one leader at a time");
        assertEquals(List.of("leader-a"), lockHolders());
        assertFalse(ticks.contains("b"), "the route runs on the leader only");

        terminate("leader-a");
        // A standby tries every interval; the query itself and a busy machine take a little more.
        Duration takeover = await("b leads", INTERVAL.multipliedBy(2), () -> leads(b));
        await("a noticed", INTERVAL.multipliedBy(2), () -> !leads(a));
        assertEquals(List.of("leader-b"), lockHolders());
        ticks.clear();
        await("b's route runs", Duration.ofSeconds(5), () -> ticks.contains("b"));
        ticks.clear();
        Thread.sleep(INTERVAL.toMillis());
        assertTrue(ticks.stream().allMatch("b"::equals), "the route stopped on a: " + ticks);
        assertFalse(leads(a), "a stays a standby while b holds the lock");
        System.out.println("Database election: b led " + takeover.toMillis() + " ms after a's session was killed");
    }

    @Test
    void whenTheLeaderStopsTheOtherLeadsWithinTheInterval() throws Exception {
        CamelContext a = replica("a");
        await("a leads", INTERVAL.multipliedBy(4), () -> leads(a));
        CamelContext b = replica("b");
        Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
        assertFalse(leads(b));

        a.stop();
        assertEquals(List.of(), lockHolders().stream().filter("leader-a"::equals).toList(), "a released its lock");
        await("b leads", INTERVAL.multipliedBy(2), () -> leads(b));
        assertEquals(List.of("leader-b"), lockHolders());
    }

    @Test
    void aStandbyThatCannotReachTheDatabaseDoesNotLead() throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addService(new DatabaseLockClusterService("switchboard-cdc",
                () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/none", "postgres", "none"), INTERVAL));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + NAMESPACE + ":timer:capture?period=50&delay=0").process(exchange -> ticks.add("unreachable"));
            }
        });
        camel.start();
        replicas.add(camel);
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis());
        assertFalse(leads(camel));
        assertTrue(ticks.isEmpty());
    }
}
