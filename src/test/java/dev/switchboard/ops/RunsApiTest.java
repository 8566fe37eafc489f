package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** The runs API: listing by filter and page, one run with attempts, replay and discard, and its errors. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RunsApiTest {

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeAll
    static void start() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
    }

    @AfterAll
    static void stop() {
        downstream.stop();
    }

    @BeforeEach
    void rules() {
        Workspace.bindPort("api-target", Map.of("connector", "http",
                "url", "http://127.0.0.1:" + downstream.port() + "/{{data.path}}"));
        Workspace.writeRule("api.yaml", """
                rules:
                  - id: api-rule
                    on: api.*
                    actions: [{id: call, port: api-target}]
                  - id: api-other-rule
                    on: apiother.*
                    actions: [{id: call, port: api-target}]
                  - id: api-unrenderable
                    on: api-unrenderable.*
                    actions: [{id: call, port: api-target, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    UUID deadRun() {
        return deadRun("api.call");
    }

    UUID deadRun(String type) {
        String path = "gone-" + UUID.randomUUID();
        downstream.stubFor(post("/" + path).willReturn(aResponse().withStatus(410).withBody("gone")));
        UUID event = Events.post(type, "\"path\": \"" + path + "\"");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        return UUID.fromString(HubState.text(dataSource, "select id::text from action_run where event_id = ?", event));
    }

    @Test
    void listsByStatePortAndRuleWithPages() {
        deadRun();
        deadRun();
        given().queryParam("state", "dead").queryParam("port", "api-target").queryParam("size", 1)
                .get("/api/runs").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items.state", everyItem(equalTo("DEAD")))
                .body("size", equalTo(1))
                .body("total", greaterThanOrEqualTo(2));
        given().queryParam("state", "DEAD").queryParam("rule", "api-rule").queryParam("page", 1).queryParam("size", 1)
                .get("/api/runs").then().statusCode(200).body("items", hasSize(1)).body("page", equalTo(1));
    }

    @Test
    void oneRunWithItsAttempts() {
        UUID run = deadRun();
        given().get("/api/runs/" + run).then().statusCode(200)
                .body("run.state", equalTo("DEAD"))
                .body("run.rule", equalTo("api-rule"))
                .body("run.maxAttempts", equalTo(15)) // the default budget
                .body("attempts", hasSize(1))
                .body("attempts[0].downstreamStatus", equalTo(410))
                .body("attempts[0].responseExcerpt", equalTo("gone"))
                .body("attempts[0].errorMessage", containsString("HTTP 410"))
                .body("attempts[0].errorClass", equalTo("dev.switchboard.core.ConnectorException"));
    }

    @Test
    void discardAndItsConflicts() {
        UUID run = deadRun();
        given().contentType("application/json")
                .post("/api/runs/" + run + "/discard").then().statusCode(200).body("state", equalTo("DISCARDED"));
        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("DISCARDED"));
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(409);
    }

    @Test
    void bulkReplayOfDeadRunsMatchingAFilter() {
        UUID first = deadRun();
        UUID second = deadRun();
        UUID outside = deadRun("apiother.call");
        given().queryParam("rule", "api-rule").contentType("application/json")
                .post("/api/runs/replay").then().statusCode(200)
                .body("replayed", greaterThanOrEqualTo(2));
        for (UUID run : List.of(first, second)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "DEAD".equals(
                    HubState.text(dataSource, "select state from action_run where id = ?", run))
                    && HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run) == 2);
        }
        assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where id = ?", outside));
        assertEquals(1, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", outside),
                "a dead run of another rule is not replayed");
    }

    @Test
    void aRunWhoseBodyStillCannotBeRenderedIsNotReplayed() {
        UUID event = Events.post("api-unrenderable.call", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = Events.runOf(dataSource, event);

        given().contentType("application/json")
                .post("/api/runs/" + run + "/replay").then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Replay refused"))
                .body("detail", containsString("'data.missing' is absent"));
        given().queryParam("rule", "api-unrenderable").contentType("application/json")
                .post("/api/runs/replay").then().statusCode(200)
                .body("replayed", equalTo(0));
        given().get("/api/runs/" + run).then().statusCode(200)
                .body("run.state", equalTo("DEAD"))
                .body("run.lastError", containsString("replay refused"))
                .body("attempts", hasSize(0));
    }

    @Test
    void bulkDiscardOfDeadRunsMatchingAFilter() {
        UUID first = deadRun();
        UUID second = deadRun();
        UUID otherRule = deadRun("apiother.call");
        given().queryParam("rule", "api-rule").contentType("application/json")
                .post("/api/runs/discard").then().statusCode(200)
                .body("discarded", greaterThanOrEqualTo(2));
        for (UUID run : List.of(first, second)) {
            assertEquals("DISCARDED", HubState.text(dataSource, "select state from action_run where id = ?", run));
        }
        assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where id = ?", otherRule),
                "a dead run outside the filter stays");
        given().queryParam("rule", "api-rule").contentType("application/json")
                .post("/api/runs/discard").then().statusCode(200)
                .body("discarded", equalTo(0));
    }

    @Test
    void aMistypedFilterOnABulkDiscardOrReplayIsRefusedAndNothingIsTouched() {
        UUID run = deadRun();
        given().queryParam("prot", "api-target").contentType("application/json")
                .post("/api/runs/discard").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("Unknown query parameter 'prot' (did you mean 'port'?)"));
        given().queryParam("rulle", "api-rule").contentType("application/json")
                .post("/api/runs/replay").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'rulle' (did you mean 'rule'?)"));
        given().queryParam("unbound", "maybe").contentType("application/json")
                .post("/api/runs/discard").then().statusCode(400)
                .body("detail", containsString("'unbound' must be true or false"));
        given().queryParam("rule", "api-rule").queryParam("rule", "api-other-rule").contentType("application/json")
                .post("/api/runs/discard").then().statusCode(400)
                .body("detail", containsString("'rule' is given 2 times"));
        assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where id = ?", run),
                "no refused call discarded or replayed it");
    }

    @Test
    void badInputIsAProblem() {
        given().get("/api/runs/not-a-uuid").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not a UUID"));
        given().get("/api/runs/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        given().queryParam("state", "SLEEPING").get("/api/runs").then().statusCode(400)
                .body("detail", containsString("state must be one of"));
        given().queryParam("size", 10_000).get("/api/runs").then().statusCode(400);
        // JAX-RS would answer a number it cannot read with 404, as if the resource did not exist.
        given().queryParam("page", "abc").get("/api/runs").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'page' must be a whole number"));
        given().queryParam("page", "99999999999").get("/api/runs").then().statusCode(400);
        // A page whose offset an int cannot count was a 500.
        given().queryParam("page", 42_949_673).get("/api/runs").then().statusCode(400)
                .body("detail", containsString("page × size at most"));
        given().contentType("application/json")
                .post("/api/runs/" + UUID.randomUUID() + "/replay").then().statusCode(404);
    }
}
