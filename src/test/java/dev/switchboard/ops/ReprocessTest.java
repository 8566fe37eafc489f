package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunLedger;
import dev.switchboard.runs.RunState;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * Judging IGNORED and FAILED events again by the rules loaded now: one event or a filter of them,
 * creating only the runs that do not exist yet, so a downstream hears of each action once.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ReprocessTest {

    static final String RULES = "reprocess.yaml";
    static final String PORT = "reprocess-sink";

    static WireMockServer downstream;

    /** Copies of stream messages the consumer skipped. */
    static final String STREAM_DUPLICATES = "switchboard_stream_duplicates_total";

    @Inject
    ConnectionFactory connectionFactory;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    /** Each test's own event type, so that its rules take only its events. */
    String type;

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
        downstream.stubFor(post(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/reprocess/.*"))
                .willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stopDownstream() {
        downstream.stop();
    }

    @BeforeEach
    void bind() {
        type = "reprocess." + UUID.randomUUID();
        Workspace.bindPort(PORT, Map.of("connector", "http",
                "url", "http://127.0.0.1:" + downstream.port() + "/reprocess/{{data.id}}/{{type}}"));
        Workspace.deleteRule(RULES);
        assertEquals(List.of(), repository.reload());
    }

    @AfterEach
    void removeRules() {
        Workspace.deleteRule(RULES);
        Workspace.deleteModel("reprocess_check");
        assertEquals(List.of(), repository.reload());
    }

    void rules(String yaml) {
        Workspace.writeRule(RULES, yaml.formatted(type, PORT));
        assertEquals(List.of(), repository.reload());
    }

    long runs(UUID event) {
        return HubState.count(dataSource, "select count(*) from action_run where event_id = ?", event);
    }

    int calls(UUID event) {
        return downstream.findAll(postRequestedFor(urlEqualTo("/reprocess/" + deliveryIdOf(event) + "/" + type))).size();
    }

    String deliveryIdOf(UUID event) {
        return HubState.text(dataSource, "select delivery_id from event where id = ?", event);
    }

    @Test
    void anIgnoredEventJudgedAgainAfterAMatchingRuleIsAddedGetsItsRunOnceAndASecondCallCreatesNothing() {
        UUID event = Events.post(type, "");
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, event));
        rules("""
                rules:
                  - id: reprocess-added
                    on: %s
                    actions: [{id: call, port: %s}]
                """);

        given().contentType("application/json").post("/api/events/" + event + "/reprocess").then().statusCode(200)
                .body("event", equalTo(event.toString()))
                .body("previousState", equalTo("IGNORED"))
                .body("state", equalTo("PROCESSED"))
                .body("matchedRules", equalTo(List.of("reprocess-added")))
                .body("runsCreated", equalTo(1))
                .body("runs", hasSize(1))
                .body("runs[0].id", equalTo(RunLedger.runId(event.toString(), "reprocess-added", "call").toString()));
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
        assertEquals("PROCESSED", HubState.eventState(dataSource, event));

        // Judged already: nothing more is created, nothing is sent again.
        given().contentType("application/json").post("/api/events/" + event + "/reprocess").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:switchboard:problem:not-reprocessable"))
                .body("detail", containsString("is PROCESSED"));
        assertEquals(1, runs(event));
        assertEquals(1, calls(event));
        given().get("/api/events/" + event).then().statusCode(200)
                .body("event.state", equalTo("PROCESSED")).body("matchedRules", equalTo(List.of("reprocess-added")));
    }

    @Test
    void aFailedEventJudgedAgainCreatesOnlyTheRunsThatDoNotExistYet() {
        // One rule fires; the other's model fails: the event is FAILED with the first rule's run.
        Workspace.writeModel("reprocess_check", "select 1 / 0 > 0 as ok");
        rules("""
                rules:
                  - id: reprocess-plain
                    on: %1$s
                    actions: [{id: call, port: %2$s}]
                  - id: reprocess-checked
                    on: %1$s
                    require: [reprocess_check]
                    actions: [{id: call, port: %2$s}]
                """);
        UUID event = Events.post(type, "");
        assertEquals("FAILED", Events.awaitOutcome(dataSource, event));
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
        assertEquals(1, runs(event));

        // The model still fails: FAILED again, and the run that exists is not made twice, however often.
        for (int i = 0; i < 2; i++) {
            given().contentType("application/json").post("/api/events/" + event + "/reprocess").then().statusCode(200)
                    .body("previousState", equalTo("FAILED")).body("state", equalTo("FAILED"))
                    .body("error", containsString("reprocess_check"))
                    .body("runsCreated", equalTo(0)).body("runs", hasSize(1));
        }

        // Once the model is fixed, the second rule's run is created, and only it.
        Workspace.writeModel("reprocess_check", "select true as ok");
        assertEquals(List.of(), repository.reload());
        given().contentType("application/json").post("/api/events/" + event + "/reprocess").then().statusCode(200)
                .body("state", equalTo("PROCESSED")).body("error", nullValue())
                .body("matchedRules", equalTo(List.of("reprocess-plain", "reprocess-checked")))
                .body("runsCreated", equalTo(1)).body("runs", hasSize(2));
        assertEquals(2, Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED));
        assertEquals(2, calls(event), "each rule's action reached the downstream once");
    }

    @Test
    void unknownEventsProcessedEventsAndViewersAreRefusedAsProblems() {
        given().contentType("application/json").post("/api/events/" + UUID.randomUUID() + "/reprocess").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/json").post("/api/events/not-a-uuid/reprocess").then().statusCode(400)
                .contentType("application/problem+json");

        rules("""
                rules:
                  - id: reprocess-processed
                    on: %s
                    actions: [{id: call, port: %s}]
                """);
        UUID processed = Events.post(type, "");
        assertEquals("PROCESSED", Events.awaitOutcome(dataSource, processed));
        given().contentType("application/json").post("/api/events/" + processed + "/reprocess").then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));

        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD).contentType("application/json")
                .post("/api/events/" + processed + "/reprocess").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").body("{}").post("/api/events/reprocess").then().statusCode(403);
    }

    /** A copy of {@code event} recorded RECEIVED {@code minutes} ago whose stream message never came. */
    UUID receivedWithoutMessage(UUID event, int minutes) {
        UUID copy = UUID.randomUUID();
        assertEquals(1, HubState.count(dataSource, """
                with stored as (
                  insert into event (id, source, delivery_id, type, received_at, state, envelope)
                  select ?, source, ?, type, now() - make_interval(mins => ?), 'RECEIVED',
                         jsonb_set(envelope, '{id}', to_jsonb(?::text))
                  from event where id = ?
                  returning 1)
                select count(*) from stored""", copy, "lost-" + copy, minutes, copy.toString(), event));
        return copy;
    }

    @Test
    void aReceivedEventWhoseStreamMessageWasLostIsJudgedOnceItHasWaitedTheGrace() {
        rules("""
                rules:
                  - id: reprocess-lost
                    on: %s
                    actions: [{id: call, port: %s}]
                """);
        UUID sent = Events.post(type, "");
        Events.awaitRuns(dataSource, sent, Duration.ofSeconds(20), RunState.SUCCEEDED);
        UUID lost = receivedWithoutMessage(sent, 11);
        UUID underWay = receivedWithoutMessage(sent, 1);
        try {
            // Still on its way through the stream, as far as anyone can tell: left to it.
            given().contentType("application/json").post("/api/events/" + underWay + "/reprocess").then()
                    .statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("on its way through the stream"));

            given().contentType("application/json").post("/api/events/" + lost + "/reprocess").then().statusCode(200)
                    .body("previousState", equalTo("RECEIVED"))
                    .body("state", equalTo("PROCESSED"))
                    .body("runsCreated", equalTo(1));
            Events.awaitRuns(dataSource, lost, Duration.ofSeconds(20), RunState.SUCCEEDED);
            assertEquals(1, runs(lost));

            // Its stream message, should it come after all, is a copy: the rules, changed meanwhile
            // (a second rule would take the event now), are not asked again.
            rules("""
                    rules:
                      - id: reprocess-lost
                        on: %1$s
                        actions: [{id: call, port: %2$s}]
                      - id: reprocess-late
                        on: %1$s
                        actions: [{id: call, port: %2$s}]
                    """);
            double copies = HubState.metric(STREAM_DUPLICATES);
            try (JMSContext context = connectionFactory.createContext()) {
                context.createProducer().send(context.createQueue(StreamAddresses.EVENTS),
                        HubState.text(dataSource, "select envelope::text from event where id = ?", lost));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> HubState.metric(STREAM_DUPLICATES) > copies);
            assertEquals(1, runs(lost), "no run of the rule added after the event was judged");

            // By filter too, and only when asked for: the event under way is skipped, not judged.
            given().contentType("application/json").body("{\"type\": \"" + type + "\", \"state\": \"RECEIVED\"}")
                    .post("/api/events/reprocess").then().statusCode(200)
                    .body("evaluated", equalTo(0)).body("skipped", equalTo(1)).body("runsCreated", equalTo(0));
            assertEquals("RECEIVED", HubState.eventState(dataSource, underWay));
            assertEquals(0, runs(underWay));
        } finally {
            HubState.count(dataSource, "with gone as (delete from event where id = ? returning 1) select count(*) from gone",
                    underWay);
        }
    }

    @Test
    void anEventStillReceivedTwentyMinutesAfterItCameIsJudgedByTheHubItself() {
        rules("""
                rules:
                  - id: reprocess-swept
                    on: %s
                    actions: [{id: call, port: %s}]
                """);
        UUID sent = Events.post(type, "");
        Events.awaitRuns(dataSource, sent, Duration.ofSeconds(20), RunState.SUCCEEDED);
        UUID lost = receivedWithoutMessage(sent, 21);
        UUID waiting = receivedWithoutMessage(sent, 12);
        try {
            // Nobody asks: the sweep (every second here) finds it.
            Events.awaitRuns(dataSource, lost, Duration.ofSeconds(20), RunState.SUCCEEDED);
            assertEquals("PROCESSED", HubState.eventState(dataSource, lost));
            assertEquals(1, runs(lost));
            // Younger than that, it is left to the stream (and to an operator's reprocess).
            assertEquals("RECEIVED", HubState.eventState(dataSource, waiting));
            assertEquals(0, runs(waiting));
        } finally {
            HubState.count(dataSource, "with gone as (delete from event where id = ? returning 1) select count(*) from gone",
                    waiting);
        }
    }

    @Test
    void aFilterJudgesItsEventsAgainOldestFirstInPiecesOfTheLimit() {
        List<UUID> ignored = List.of(Events.post(type, ""), Events.post(type, ""), Events.post(type, ""));
        UUID other = Events.post(type + ".other", "");
        for (UUID event : ignored) {
            assertEquals("IGNORED", Events.awaitOutcome(dataSource, event));
        }
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, other));
        rules("""
                rules:
                  - id: reprocess-filtered
                    on: [%1$s, %1$s.other]
                    actions: [{id: call, port: %2$s}]
                """);

        String first = given().contentType("application/json")
                .body("{\"type\": \"" + type + "\", \"state\": \"IGNORED\", \"limit\": 2}")
                .post("/api/events/reprocess").then().statusCode(200)
                .body("evaluated", equalTo(2)).body("processed", equalTo(2)).body("runsCreated", equalTo(2))
                .extract().path("next");
        given().contentType("application/json")
                .body("{\"type\": \"" + type + "\", \"after\": \"" + first + "\"}")
                .post("/api/events/reprocess").then().statusCode(200)
                .body("evaluated", equalTo(1)).body("runsCreated", equalTo(1)).body("next", nullValue());
        for (UUID event : ignored) {
            assertEquals(1, Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED));
            assertEquals(1, calls(event));
        }
        assertEquals("IGNORED", HubState.eventState(dataSource, other), "another type, outside the filter");
        // Nothing is left to judge again for the type.
        given().contentType("application/json").body("{\"type\": \"" + type + "\"}")
                .post("/api/events/reprocess").then().statusCode(200).body("evaluated", equalTo(0));

        given().contentType("application/json").body("{\"tpye\": \"" + type + "\"}").post("/api/events/reprocess")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unknown field 'tpye'"));
        given().contentType("application/json").body("{\"state\": \"PROCESSED\"}").post("/api/events/reprocess")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"limit\": 0}").post("/api/events/reprocess")
                .then().statusCode(400).contentType("application/problem+json");
        // 2^32 + 1 read as an int is 1: a wrapped limit would judge one event instead of refusing.
        given().contentType("application/json").body("{\"limit\": 4294967297}").post("/api/events/reprocess")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
