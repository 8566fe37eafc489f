package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.Json;
import dev.switchboard.rules.RuleLoadError;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * What a careless or hostile signed-in user sends the API: each is a 4xx problem that says what
 * was wrong, never a 500, an empty body, or a wider operation than was asked for.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class HostileApiInputTest {

    static final String PROBLEM = "application/problem+json";

    @Inject
    RulesInForce repository;

    @Inject
    DataSource dataSource;

    @AfterEach
    void cleanUp() {
        Workspace.deleteRule("nested.yaml");
        Workspace.deleteRoute("credentials.yaml");
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void jsonNestedTooDeepOrOfTheWrongShapeIsA400ThatSaysSo() {
        String deep = "[".repeat(1_500) + "]".repeat(1_500);
        for (String path : List.of("/api/events/dry-run", "/api/events/reprocess", "/api/backtest")) {
            given().contentType("application/json").body(deep).post(path).then().statusCode(400)
                    .contentType(PROBLEM).body("type", equalTo("urn:switchboard:problem:malformed-json"))
                    .body("detail", containsString("nesting depth"));
            given().contentType("application/json").body("{\"source\": ").post(path).then().statusCode(400)
                    .contentType(PROBLEM).body("detail", containsString("The body is not the JSON this call takes"));
        }
        given().contentType("application/json").body("{\"files\": \"x\"}").post("/api/backtest").then()
                .statusCode(400).contentType(PROBLEM).body("detail", containsString("files"));
        given().contentType("application/json").body("[]").post("/api/backtest").then()
                .statusCode(400).contentType(PROBLEM).body("detail", containsString("JSON object"));
    }

    @Test
    void timesPostgresCannotHoldAndNulCharactersAreRefusedBeforeTheyReachTheDatabase() {
        given().queryParam("from", "+300000-01-01T00:00:00Z").get("/api/events").then().statusCode(400)
                .contentType(PROBLEM).body("detail", containsString("between the years 1 and 9999"));
        given().queryParam("to", "-5000-01-01T00:00:00Z").get("/api/events/export").then().statusCode(400)
                .contentType(PROBLEM);
        given().contentType("application/json").body("{\"from\": \"+300000-01-01T00:00:00Z\"}")
                .post("/api/events/reprocess").then().statusCode(400).contentType(PROBLEM);
        given().contentType("application/json").body("{\"source\": \"a\\u0000b\"}")
                .post("/api/events/reprocess").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("NUL"));
        // A backtest refuses them when asked, not later with PostgreSQL's words in its status.
        given().contentType("application/json").body("{\"from\": \"+300000-01-01T00:00:00Z\"}")
                .post("/api/backtest").then().statusCode(400).contentType(PROBLEM);
        given().contentType("application/json").body("{\"type\": \"a\\u0000b\"}")
                .post("/api/backtest").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void aMistypedBacktestFieldIsRefusedRatherThanBacktestingAllHistory() {
        given().contentType("application/json").body("{\"form\": \"2026-11-01T00:00:00Z\"}")
                .post("/api/backtest").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("unknown field 'form' (did you mean 'from'?)"));
    }

    @Test
    void aBacktestReadsOnlyFoldersBesideTheRulesFolderAndSaysNothingOfOthers() throws Exception {
        Path outside = Files.createTempDirectory("switchboard-not-config");
        Files.writeString(outside.resolve("hosts.yaml"), "api_password: hunter2\n");
        try {
            for (String folder : List.of(outside.toString(), "/etc", "../../..", "/no/such/folder")) {
                given().contentType("application/json").body(Json.MAPPER.writeValueAsString(Map.of("folder", folder)))
                        .post("/api/backtest").then().statusCode(400).contentType(PROBLEM)
                        .body("detail", containsString("folder must be a folder in"))
                        .body("detail", not(containsString("api_password")));
            }
            // The rules folder itself, and so a copy beside it, is a candidate.
            String started = given().contentType("application/json")
                    .body(Json.MAPPER.writeValueAsString(Map.of("folder", Workspace.RULES.toAbsolutePath().toString(),
                            "from", "2999-01-01T00:00:00Z")))
                    .post("/api/backtest").then().statusCode(202).extract().path("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> !"RUNNING".equals(
                    given().get("/api/backtest/" + started).then().extract().path("state")));
            // A link inside the configuration folder to a folder outside it is outside.
            Path link = Workspace.RULES.toAbsolutePath().getParent().resolve("linked-" + outside.getFileName());
            Files.createSymbolicLink(link, outside);
            try {
                given().contentType("application/json").body(Json.MAPPER.writeValueAsString(Map.of("folder",
                        link.toString()))).post("/api/backtest").then().statusCode(400).contentType(PROBLEM);
            } finally {
                Files.delete(link);
            }
        } finally {
            Files.delete(outside.resolve("hosts.yaml"));
            Files.delete(outside);
        }
    }

    @Test
    void anUploadedCandidateIsBoundedInFilesAndNames() throws Exception {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 501; i++) {
            many.put("r" + i + ".yaml", "rules: []");
        }
        given().contentType("application/json").body(Json.MAPPER.writeValueAsString(Map.of("files", many)))
                .post("/api/backtest").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("at most 500 files"));
        given().contentType("application/json").body(Json.MAPPER.writeValueAsString(Map.of("files",
                Map.of("a".repeat(300) + ".yaml", "rules: []")))).post("/api/backtest").then()
                .statusCode(400).contentType(PROBLEM);
    }

    @Test
    void aRuleFileBeyondTheYamlParsersLimitsIsARejectedReloadNamingTheFile() {
        Workspace.writeRule("nested.yaml", "rules: " + "[".repeat(60) + "]".repeat(60) + "\n");
        List<RuleLoadError> problems = repository.reload();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).file().endsWith("nested.yaml"), problems.toString());
        assertTrue(problems.get(0).reason().contains("Nesting Depth exceeded"), problems.toString());
        given().get("/api/rules").then().statusCode(200).body("errors[0].file", containsString("nested.yaml"));
    }

    /** A route reading a queue with these endpoint options; not started, so that it need not reach a broker. */
    private static void writeCredentialsRoute(String... options) {
        Workspace.writeRoute("credentials.yaml", """
                - route:
                    id: route-with-credentials
                    autoStartup: false
                    from:
                      uri: "jms:queue:test.route.credentials"
                      parameters:
                %s
                      steps:
                        - to: "log:credentials"
                """.formatted(String.join("\n", java.util.Arrays.stream(options)
                .map(option -> "        " + option).toList())));
    }

    /** The error /api/routes reports for credentials.yaml, or null while there is none. */
    private static String credentialsFileError(io.restassured.specification.RequestSpecification as) {
        Map<String, String> errors = as.get("/api/routes").then().statusCode(200).extract().jsonPath().getMap("errors");
        return errors.entrySet().stream().filter(error -> error.getKey().endsWith("credentials.yaml"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void aRoutesCredentialsAreNotShownToItsReaders() {
        writeCredentialsRoute("username: someone", "password: HUNTER2-ROUTE-SECRET");
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/routes").jsonPath()
                .getList("routes.id").contains("route-with-credentials"));
        String shown = given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .get("/api/routes").then().statusCode(200).extract().asString();
        assertTrue(shown.contains("jms://queue:test.route.credentials?***"), shown);
        assertTrue(!shown.contains("HUNTER2") && !shown.contains("someone"), shown);

        // A file Camel refuses is reported with the endpoint as written, misspelt secret and all.
        writeCredentialsRoute("pasword: HUNTER2-MISSPELT");
        await().atMost(Duration.ofSeconds(10)).until(() -> credentialsFileError(given()) != null);
        String refused = credentialsFileError(given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD));
        // This file's own error, naming the misspelt option, without its value.
        assertTrue(refused.contains("pasword") && !refused.contains("HUNTER2"), refused);
        String shownAfter = given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .get("/api/routes").then().statusCode(200).extract().asString();
        assertTrue(!shownAfter.contains("HUNTER2"), shownAfter);
    }

    @Test
    void theDashboardsDryRunFormTakesARecordedEventOfMoreThanTwoKilobytes() {
        // Vert.x refuses a form field over 2 KB by default: a 413 for any real order event.
        String event = "{\"source\": \"shop\", \"type\": \"shop.order.created\", \"data\": {\"note\": \""
                + "x".repeat(20_000) + "\"}}";
        given().auth().none().cookie("quarkus-credential", DashboardRolesTest.signIn(HubTestProfile.OPERATOR))
                .formParam("event", event).post("/ui/dry-run").then().statusCode(200)
                .body(containsString("shop.order.created"));
    }

    @Test
    void aSearchThatWouldKeepTheDatabaseBusyIsCutOffAndAskedToBeNarrowed() throws Exception {
        // Standing in for a payload search over millions of events: the search waits behind a lock
        // for longer than it may take.
        try (Connection blocker = locked("event")) {
            assertCutOff(given().queryParam("q", "anything"), "/api/events", "narrow it with from and to");
            // The dashboard says so on its page, with the filters kept to be narrowed.
            given().auth().none().cookie("quarkus-credential", DashboardRolesTest.signIn(HubTestProfile.VIEWER))
                    .queryParam("q", "anything").get("/ui/events").then().statusCode(200)
                    .body(containsString("narrow it with from and to"))
                    .body(containsString("value=\"anything\""));
            blocker.rollback();
        }
        given().queryParam("q", "anything").get("/api/events").then().statusCode(200);
    }

    @Test
    void aRunsListThatWouldKeepTheDatabaseBusyIsCutOffAndAskedToBeNarrowed() throws Exception {
        // Standing in for a page far down an unfiltered list of millions of runs.
        try (Connection blocker = locked("action_run")) {
            assertCutOff(given().queryParam("page", 100000), "/api/runs", "narrow it with state, port, rule or event");
            blocker.rollback();
        }
        given().get("/api/runs").then().statusCode(200);
    }

    /** A connection holding the table locked until it rolls back: whatever reads it waits. */
    private Connection locked(String table) throws java.sql.SQLException {
        Connection blocker = dataSource.getConnection();
        blocker.setAutoCommit(false);
        blocker.createStatement().execute("lock table " + table + " in access exclusive mode");
        return blocker;
    }

    /** A viewer's request answered 422 search-too-broad, saying how to narrow it, within 10 s. */
    private static void assertCutOff(io.restassured.specification.RequestSpecification request, String path,
            String narrowing) {
        long started = System.nanoTime();
        request.auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD).get(path).then()
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:switchboard:problem:search-too-broad"))
                .body("detail", containsString(narrowing));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "cut off after " + took);
    }

    @Test
    void aWebhookNestedDeeperThanTheHubCanWriteBackIsRefusedAndOneWithinItIsShown() {
        String tooDeep = "{\"id\": \"" + java.util.UUID.randomUUID() + "\", \"type\": \"test.deep\", \"data\": "
                + "[".repeat(999) + "]".repeat(999) + "}";
        given().contentType("application/json").body(tooDeep).post("/hooks/events").then().statusCode(400)
                .contentType(PROBLEM).body("type", equalTo("urn:switchboard:problem:malformed-json"))
                .body("detail", containsString("nesting depth"));
        String deep = "{\"id\": \"" + java.util.UUID.randomUUID() + "\", \"type\": \"test.deep\", \"data\": "
                + "[".repeat(400) + "]".repeat(400) + "}";
        String event = given().contentType("application/json").body(deep).post("/hooks/events").then()
                .statusCode(202).extract().path("event");
        given().get("/api/events/" + event).then().statusCode(200).body("event.id", equalTo(event));
    }
}
