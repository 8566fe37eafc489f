package dev.switchboard.backtest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A rule change tried on the events already recorded, before it goes live: what the candidate
 * adds, removes and changes, per rule, with examples; nothing sent, nothing written, the
 * candidate's SQL read-only; and the same answer offline from an export, for a rules repository's CI.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BacktestTest {

    static final String RULES = "backtest.yaml";
    static final String PORT = "backtest-log";

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    /** This test's own event type, so that the backtests see only its events. */
    String type;
    /** The recorded events by their total. */
    final Map<Integer, UUID> events = new java.util.HashMap<>();

    /** Where the port points: a backtest must never call it. */
    static WireMockServer downstream;

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
        downstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stopDownstream() {
        downstream.stop();
    }

    static final String LOADED = """
            rules:
              - id: big-order
                on: %s
                when: "jsonpath:$.data[?(@.total > 40)]"
                actions: [{id: tell, port: %s, body: "order of {{data.total}}"}]
            """;

    static final String CANDIDATE = """
            rules:
              - id: big-order
                on: %1$s
                when: "jsonpath:$.data[?(@.total > 100)]"
                actions: [{id: tell, port: %2$s, body: "big order of {{data.total}}"}]
              - id: small-order
                on: %1$s
                when: "jsonpath:$.data[?(@.total < 20)]"
                actions: [{id: tell, port: %2$s}]
            """;

    @BeforeEach
    void recordEvents() {
        type = "backtest." + UUID.randomUUID();
        // The events are recorded before any rule takes them, and a backtest calls no connector:
        // the downstream must record nothing; the URL only shows where an action would go.
        Workspace.bindPort(PORT, Map.of("connector", "http",
                "url", "http://127.0.0.1:" + downstream.port() + "/orders/{{data.total}}"));
        Workspace.deleteRule(RULES);
        assertEquals(List.of(), repository.reload());
        events.clear();
        for (int total : new int[] {10, 50, 200}) {
            UUID event = Events.post(type, "\"total\":" + total);
            assertEquals("IGNORED", Events.awaitOutcome(dataSource, event));
            events.put(total, event);
        }
        Workspace.writeRule(RULES, LOADED.formatted(type, PORT));
        assertEquals(List.of(), repository.reload());
    }

    @AfterEach
    void removeRules() {
        Workspace.deleteRule(RULES);
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void aCandidateRuleSetShowsPerRuleWhatItWouldAddRemoveAndChangeOnTheRecordedEvents() {
        // One example of each kind of change: a rule's many changes must not crowd out its removals.
        JsonPath result = finished(start(Map.of("files", Map.of("orders.yaml", CANDIDATE.formatted(type, PORT)),
                "type", type, "examples", 1)));

        assertEquals("DONE", result.getString("state"));
        assertEquals(3, result.getInt("total"));
        assertEquals(3, result.getInt("done"));
        assertEquals(3, result.getInt("report.events"));
        assertEquals(3, result.getInt("report.changes"));
        Map<String, Object> big = rule(result, "big-order");
        assertEquals(2, big.get("matchedBefore"));
        assertEquals(1, big.get("matchedAfter"));
        assertEquals(1, big.get("removed"), "the order of 50 no longer tells anyone");
        assertEquals(1, big.get("changed"), "the order of 200 is told in other words");
        assertEquals(0, big.get("added"));
        Map<String, Object> small = rule(result, "small-order");
        assertEquals(false, small.get("inBefore"));
        assertEquals(1, small.get("added"));
        assertEquals(false, small.get("usesModels"));

        // Each difference comes with the event it was seen on, and both renderings.
        List<Map<String, Object>> examples = result.getList("report.rules.find { it.rule == 'big-order' }.examples");
        Map<String, Object> removed = examples.stream().filter(e -> e.get("change").equals("removed")).findFirst().orElseThrow();
        assertEquals(events.get(50).toString(), removed.get("event"), "exactly the order of 50 loses its action");
        Map<String, Object> changed = examples.stream().filter(e -> e.get("change").equals("changed")).findFirst().orElseThrow();
        assertEquals(events.get(200).toString(), changed.get("event"));
        assertEquals("order of 200", ((Map<?, ?>) changed.get("before")).get("body"));
        assertEquals("big order of 200", ((Map<?, ?>) changed.get("after")).get("body"));
        assertEquals("POST http://127.0.0.1:" + downstream.port() + "/orders/***", ((Map<?, ?>) changed.get("after")).get("target"),
                "where it would go, masked past the first path segment as everywhere");
        assertEquals("IGNORED", HubState.eventState(dataSource, UUID.fromString((String) changed.get("event"))),
                "the backtest neither judged the event again nor made runs");
        assertEquals(0, HubState.count(dataSource,
                "select count(*) from action_run r join event e on e.id = r.event_id where e.type = ?", type));
        assertEquals(0, downstream.getAllServeEvents().size(), "the downstream was never called");
    }

    @Test
    void theCandidatesModelsRunReadOnlySoOneThatWritesFailsAndChangesNothing() {
        HubState.execute(dataSource, "create sequence if not exists backtest_probe");
        long before = HubState.count(dataSource, "select nextval('backtest_probe')");
        String candidate = """
                rules:
                  - id: big-order
                    on: %s
                    require: [sneaky]
                    actions: [{id: tell, port: %s}]
                """.formatted(type, PORT);
        JsonPath result = finished(start(Map.of("type", type, "files", Map.of("orders.yaml", candidate,
                "models/sneaky.sql", "select nextval('backtest_probe') > 0 as ok"))));

        assertEquals(3, result.getInt("report.failuresAfter"), "each event's judgement by the candidate failed");
        assertEquals(0, result.getInt("report.failuresBefore"));
        assertEquals(true, rule(result, "big-order").get("usesModels"), "its outcome depends on today's data");
        assertEquals(before + 1, HubState.count(dataSource, "select nextval('backtest_probe')"),
                "the sequence did not move: the model's writes were refused");
    }

    @Test
    void aCandidateThatDoesNotLoadIsRefusedWithItsFileAndLineAndViewersMayReadButNotStart() {
        given().contentType("application/json").body(Map.of("files", Map.of("broken.yaml",
                "rules:\n  - id: x\n    on: a\n    actions: [{id: y, port: no-such-port}]\n"))).post("/api/backtest")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("broken.yaml:4: unknown port 'no-such-port'"));
        given().contentType("application/json").body(Map.of("files", Map.of("../escape.yaml", "rules: []")))
                .post("/api/backtest").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("neither a rule file"));
        // What JSON can carry and no path or file can: a NUL in the folder, an unpaired surrogate in a file.
        given().contentType("application/json").body("{\"folder\": \"rules\\u0000x\"}")
                .post("/api/backtest").then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"files\": {\"lone.yaml\": \"rules: [] # \\ud800\"}}")
                .post("/api/backtest").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unpaired surrogate"));

        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD).contentType("application/json")
                .body(Map.of("type", type)).post("/api/backtest").then().statusCode(403);
        String id = start(Map.of("type", type));
        finished(id);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD).get("/api/backtest/" + id)
                .then().statusCode(200).body("state", equalTo("DONE"))
                .body("report.changes", equalTo(0)).body("report.events", equalTo(3));
    }

    @Test
    void aLongBacktestReportsProgressAndStopsWhenCancelledAndASecondWaitsForIt() {
        // Many events at once, written straight into the table: what matters is how many there are.
        String many = type + ".many";
        HubState.count(dataSource, """
                with inserted as (
                  insert into event (id, source, delivery_id, type, received_at, state, envelope)
                  select gen_random_uuid(), 'events', 'd' || n, ?, now() - n * interval '1 millisecond', 'IGNORED',
                    jsonb_build_object('specversion', '1.0', 'id', gen_random_uuid(), 'source', 'events', 'type', ?,
                      'datacontenttype', 'application/json', 'data', jsonb_build_object('total', n))
                  from generate_series(1, 200000) n returning 1)
                select count(*) from inserted""", many, many);
        try {
            String id = start(Map.of("type", many));
            given().contentType("application/json").body(Map.of("type", many)).post("/api/backtest").then()
                    .statusCode(409).contentType("application/problem+json").body("detail", containsString(id));
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/backtest/" + id).then().extract()
                    .jsonPath().getLong("done") > 0);
            given().contentType("application/json").delete("/api/backtest/" + id).then().statusCode(200);
            JsonPath cancelled = finished(id);
            assertEquals("CANCELLED", cancelled.getString("state"));
            assertEquals(200_000, cancelled.getLong("total"));
            assertTrue(cancelled.getLong("done") < 200_000, "stopped early: " + cancelled.getLong("done"));
            assertEquals(cancelled.getLong("done"), cancelled.getLong("report.events"), "what it saw is kept");
        } finally {
            HubState.count(dataSource, "with gone as (delete from event where type = ? returning 1) select count(*) from gone",
                    many);
        }
    }

    @Test
    void anExportOfTheEventsBacktestedOfflineGivesTheSameAnswerAndFailsTheBuildOnChanges(@TempDir Path dir)
            throws Exception {
        String export = given().get("/api/events/export?type=" + type).then().statusCode(200)
                .contentType(containsString("application/x-ndjson")).extract().asString();
        assertEquals(3, export.lines().count());
        Path events = Files.writeString(dir.resolve("events.jsonl"), export);
        Path before = Files.createDirectories(dir.resolve("before"));
        Files.writeString(before.resolve("orders.yaml"), LOADED.formatted(type, PORT));
        Path after = Files.createDirectories(dir.resolve("after"));
        Files.writeString(after.resolve("orders.yaml"), CANDIDATE.formatted(type, PORT));
        String config = OperatorConfigSourceProvider.file().toString();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = BacktestCommand.run(new String[] {"--before", before.toString(), "--after", after.toString(),
                "--events", events.toString(), "--config", config}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(BacktestCommand.CHANGES_EXCEEDED, exit, printed);
        assertTrue(printed.contains("FAIL: 3 action(s) change, 0 allowed"), printed);
        assertTrue(printed.matches("(?s).*big-order\\s+2\\s+1\\s+0\\s+1\\s+1.*"), printed);
        assertTrue(printed.matches("(?s).*small-order\\s+0\\s+1\\s+1\\s+0\\s+0.*"), printed);

        assertEquals(0, BacktestCommand.run(new String[] {"--before", before.toString(), "--after", after.toString(),
                "--events", events.toString(), "--config", config, "--max-changes", "3"}, new PrintStream(
                        new ByteArrayOutputStream()), System.err), "three changes allowed");
    }

    @Test
    void anOfflineBacktestOfRulesThatNeedAModelDoesNotPassUnlessTold(@TempDir Path dir) throws Exception {
        // Offline no model runs: the rule judges nothing in either set, and no change could show.
        Path events = Files.writeString(dir.resolve("events.jsonl"),
                given().get("/api/events/export?type=" + type).then().statusCode(200).extract().asString());
        String rule = """
                rules:
                  - id: modelled
                    on: %s
                    require: [big_spender]
                    actions: [{id: call, port: %s, body: '%s'}]
                """;
        Path before = Files.createDirectories(dir.resolve("before/models"));
        Files.writeString(before.resolve("big_spender.sql"), "select true as big\n");
        Files.writeString(before.getParent().resolve("modelled.yaml"), rule.formatted(type, PORT, "as it is"));
        Path after = Files.createDirectories(dir.resolve("after/models"));
        Files.writeString(after.resolve("big_spender.sql"), "select false as big\n");
        Files.writeString(after.getParent().resolve("modelled.yaml"), rule.formatted(type, PORT, "as it would be"));
        String[] args = {"--before", before.getParent().toString(), "--after", after.getParent().toString(),
                "--events", events.toString(), "--config", OperatorConfigSourceProvider.file().toString()};

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = BacktestCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(BacktestCommand.UNJUDGED, exit, printed);
        assertTrue(printed.contains("3 event(s) could not be judged by --before, 3 by --after"), printed);
        assertTrue(printed.contains("NOT JUDGED: 0 action(s) change, 0 allowed"), printed);

        String[] allowed = Arrays.copyOf(args, args.length + 1);
        allowed[args.length] = "--allow-unjudged";
        assertEquals(0, BacktestCommand.run(allowed, new PrintStream(new ByteArrayOutputStream()), System.err),
                "passed when told that unjudged events are acceptable");
    }

    private static String start(Map<String, Object> request) {
        return given().contentType("application/json").body(request).post("/api/backtest").then().statusCode(202)
                .header("Location", containsString("/api/backtest/")).extract().path("id");
    }

    private static JsonPath finished(String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !"RUNNING".equals(
                given().get("/api/backtest/" + id).then().statusCode(200).extract().path("state")));
        return given().get("/api/backtest/" + id).then().extract().jsonPath();
    }

    private static Map<String, Object> rule(JsonPath result, String id) {
        return result.getMap("report.rules.find { it.rule == '" + id + "' }");
    }
}
