package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.ops.alerts.Incidents;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** Alerts through the port "alerts" to a local HTTP sink: once per incident, and once resolved. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class AlertsTest {

    static WireMockServer pager;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Inject
    Incidents incidents;

    @Inject
    ProducerTemplate producer;

    @BeforeAll
    static void startPager() {
        pager = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        pager.start();
        pager.stubFor(post("/alerts").willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stopPager() {
        Workspace.unbindPort("alerts");
        pager.stop();
    }

    @BeforeEach
    void bindAlerts() {
        Workspace.bindPort("alerts", Map.of("connector", "http", "url", "http://127.0.0.1:" + pager.port() + "/alerts"));
        Workspace.bindPort("fragile", Map.of("connector", "http", "url", "http://127.0.0.1:" + pager.port() + "/{{type}}"));
        // The dead-run tests use their own port, so that they do not move fragile's failure rate.
        Workspace.bindPort("alerting-late", Map.of("connector", "http",
                "url", "http://127.0.0.1:" + pager.port() + "/late/{{type}}"));
        Workspace.writeRule("alerting.yaml", """
                rules:
                  - id: fragile-call
                    on: alerting.*
                    actions: [{id: call, port: fragile}]
                  - id: late-call
                    on: alertinglate.*
                    actions: [{id: call, port: alerting-late}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    static RequestPatternBuilder alert(String state, String incident) {
        return postRequestedFor(urlEqualTo("/alerts"))
                .withRequestBody(containing("\"state\":\"" + state + "\""))
                .withRequestBody(containing(incident));
    }

    static int count(RequestPatternBuilder pattern) {
        return pager.findAll(pattern).size();
    }

    @Test
    void aMissedExpectationAlertsOnceAndResolvesOnceWhenTheEventArrives() throws Exception {
        Events.post("test.heartbeat", ""); // clear whatever earlier tests left open
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/incidents").jsonPath()
                .getList("incident").stream().noneMatch("expectation:heartbeat"::equals));
        pager.resetRequests();

        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "expectation:heartbeat")) >= 1);
        given().get("/api/incidents").then().body("incident", hasItem("expectation:heartbeat"));
        // Notices of an earlier incident may still be on their way: this one is told by its id.
        String notice = pager.findAll(alert("fired", "expectation:heartbeat")).get(0).getBodyAsString();
        String incident = JsonPath.from(notice).getString("id");
        // In the words the setting was written in (every=2s), not Java's PT2S.
        assertTrue(notice.contains("Expected test.heartbeat at least every 2s") && !notice.contains("PT2S"), notice);
        Thread.sleep(2000); // several more checks while it stays missed
        assertEquals(1, count(alert("fired", incident)), "one alert per incident");

        Events.post("test.heartbeat", "");
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", incident)) == 1);
        Thread.sleep(1500);
        assertEquals(1, count(alert("resolved", incident)), "one resolved notice per incident");
        assertEquals(1, count(alert("fired", incident)));
    }

    @Test
    void aFailingPortAlertsOnceAndResolvesWhenItRecovers() {
        pager.stubFor(post(urlPathMatching("/alerting\\.fail-.*")).willReturn(aResponse().withStatus(400)));
        pager.stubFor(post(urlPathMatching("/alerting\\.ok-.*")).willReturn(aResponse().withStatus(200)));
        for (int i = 0; i < 3; i++) {
            Events.awaitRuns(dataSource, Events.post("alerting.fail-" + UUID.randomUUID(), ""), Duration.ofSeconds(20),
                    RunState.DEAD);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "port-failure:fragile")) == 1);

        for (int i = 0; i < 8; i++) {
            Events.awaitRuns(dataSource, Events.post("alerting.ok-" + UUID.randomUUID(), ""), Duration.ofSeconds(20),
                    RunState.SUCCEEDED);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "port-failure:fragile")) == 1);
        assertEquals(1, count(alert("fired", "port-failure:fragile")), "one alert per incident");
    }

    @Test
    void signatureFailuresOverTheThresholdAlertOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            given().contentType("application/json").header("X-Signature", "forged").body("{\"n\": " + i + "}")
                    .post("/hooks/alerting-signed").then().statusCode(401);
        }
        await().atMost(Duration.ofSeconds(15))
                .until(() -> count(alert("fired", "signature-failures:alerting-signed")) == 1);
        Thread.sleep(1500);
        assertEquals(1, count(alert("fired", "signature-failures:alerting-signed")), "one alert per incident");
        // The window as it is configured, not as Java prints a Duration (PT1M).
        assertEquals(1, count(alert("fired", "signature-failures:alerting-signed")
                .withRequestBody(containing(" in the last 1m (a rotated secret"))));
    }

    @Test
    void eventsTheRulesCouldNotJudgeAlertOncePerSourceAndResolveWhenReprocessed() {
        // Its own source, published by a route's endpoint: other tests leave FAILED events of theirs.
        String source = "judging-" + UUID.randomUUID().toString().substring(0, 8);
        Workspace.writeModel("alert_judging", "select 1 / 0 = 1");
        Workspace.writeRule("alert-judging.yaml", """
                rules:
                  - id: alert-judging
                    on: alertjudging.order
                    require: [alert_judging]
                    actions: [{id: call, port: alerting-late}]
                """);
        try {
            assertEquals(List.of(), repository.reload());
            UUID first = publish(source, "{\"n\": 1}");
            UUID second = publish(source, "{\"n\": 2}");
            assertEquals("FAILED", Events.awaitOutcome(dataSource, first));
            assertEquals("FAILED", Events.awaitOutcome(dataSource, second));
            await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "events-failed:" + source)) == 1);

            Workspace.writeModel("alert_judging", "select true");
            assertEquals(List.of(), repository.reload());
            given().contentType("application/json").post("/api/events/" + first + "/reprocess").then().statusCode(200);
            // One is still FAILED: the incident stays open over several checks.
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> count(alert("resolved", "events-failed:" + source)) == 0);
            given().contentType("application/json").post("/api/events/" + second + "/reprocess").then().statusCode(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "events-failed:" + source)) == 1);
            assertEquals(1, count(alert("fired", "events-failed:" + source)), "one alert for the source, not one per event");
        } finally {
            Workspace.deleteRule("alert-judging.yaml");
            Workspace.deleteModel("alert_judging");
            repository.reload();
        }
    }

    @Test
    void messagesParkedOnAQueueSourcesDeadLetterAddressAlertOnceAndResolveWhenDiscarded() {
        // A source of its own, so that no other test's parked message holds its incident open.
        Workspace.setAll("switchboard.sources.alert-parking.", Map.of("kind", "queue", "address", "alert.parking",
                "parked-address", "alert.parking.parked"));
        try {
            assertEquals(List.of(), repository.reload());
            producer.sendBodyAndHeader("jms:queue:alert.parking.parked?exchangePattern=InOnly", "unreadable",
                    ExchangeKeys.PARKED_REASON, "parked by hand");
            await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "parked:alert.parking.parked")) == 1);

            given().contentType("application/json").post("/api/parked/alert.parking.parked/discard").then().statusCode(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "parked:alert.parking.parked")) == 1);
            assertEquals(1, count(alert("fired", "parked:alert.parking.parked")), "one alert per incident");
        } finally {
            Workspace.setAll("switchboard.sources.alert-parking.", Map.of());
            repository.reload();
        }
    }

    private UUID publish(String source, String body) {
        Exchange published = producer.request("direct:switchboard-publish", exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(ExchangeKeys.EVENT_TYPE, "alertjudging.order");
            exchange.getMessage().setHeader(ExchangeKeys.EVENT_SOURCE, source);
        });
        assertEquals(null, published.getException());
        return UUID.fromString(published.getMessage().getHeader(ExchangeKeys.EVENT, String.class));
    }

    @Test
    void aRunGoingDeadAlertsOnceAndItsSuccessfulReplayResolves() {
        String type = "alerting." + UUID.randomUUID();
        pager.stubFor(post("/" + type).willReturn(aResponse().withStatus(400)));
        String run = deadRunOf(Events.post(type, ""));

        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "run-dead:" + run)) == 1);

        pager.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "run-dead:" + run)) == 1);
        assertEquals(1, count(alert("fired", "run-dead:" + run)), "one alert per incident");
    }

    @Test
    void discardingADeadRunResolvesItsIncidentOnce() throws Exception {
        String type = "alertinglate." + UUID.randomUUID();
        pager.stubFor(post("/late/" + type).willReturn(aResponse().withStatus(400)));
        String run = deadRunOf(Events.post(type, ""));
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "run-dead:" + run)) == 1);

        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "run-dead:" + run)) == 1);
        Thread.sleep(1500); // several more checks
        assertEquals(1, count(alert("resolved", "run-dead:" + run)), "one resolved notice per incident");
        given().get("/api/incidents").then().body("incident", not(hasItem("run-dead:" + run)));
    }

    @Test
    void aRunDeadBeforeAnyAttemptResolvesWhenItsReplaySucceeds() {
        // A body that cannot be rendered: the run is DEAD when planned, before any attempt.
        Workspace.writeRule("alerting.yaml", """
                rules:
                  - id: late-call
                    on: alertinglate.*
                    actions: [{id: call, port: alerting-late, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
        String type = "alertinglate." + UUID.randomUUID();
        String run = deadRunOf(Events.post(type, ""));
        assertEquals(0, HubState.count(dataSource, "select attempts from action_run where id = ?::uuid", run));
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "run-dead:" + run)) == 1);

        pager.stubFor(post("/late/" + type).willReturn(aResponse().withStatus(200)));
        bindAlerts(); // the rule as it was, whose body renders: the replay renders it again
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCEEDED".equals(
                HubState.text(dataSource, "select state from action_run where id = ?::uuid", run)));
        // A replayed run that is not done yet keeps its incident open; its success resolves it.
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "run-dead:" + run)) == 1);
        assertEquals(1, count(alert("fired", "run-dead:" + run)), "one alert per incident");
    }

    @Test
    void aNoticeNotSentWhenItsIncidentChangedIsSentByALaterCheckOnce() throws Exception {
        // As a crash between the incident's commit and its notice leaves it: opened, not noticed.
        String incident = "test-unnoticed:" + UUID.randomUUID();
        UUID id = UUID.randomUUID();
        execute("insert into alert_incident (id, incident, kind, title, detail) values (?, ?, 'test', 'Left unnoticed', 'x')",
                id, incident);
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", incident)) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> HubState.count(dataSource,
                "select count(*) from alert_incident where id = ? and fired_noticed", id) == 1);

        // Resolved, and the resolved notice lost the same way.
        execute("update alert_incident set resolved_at = now() where id = ?", id);
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", incident)) == 1);
        Thread.sleep(1500); // several checks
        assertEquals(1, count(alert("fired", incident)), "sent once");
        assertEquals(1, count(alert("resolved", incident)), "sent once");
    }

    @Test
    void anExpectationCountsFromWhenItWasFirstWatchedNotFromThisStart() throws Exception {
        // The test database outlives a run: forget what an earlier run left.
        execute("delete from event where type = 'test.never'");
        execute("update alert_watch set since = now() where name = 'never'");
        incidents.resolve("expectation:never");
        await().atMost(Duration.ofSeconds(10)).until(() -> HubState.count(dataSource,
                "select count(*) from alert_watch where name = 'never'") == 1);
        Thread.sleep(1500); // several checks
        assertEquals(0, count(alert("fired", "expectation:never")), "watched for less than its hour");

        // Watched for two hours already, by replicas or restarts before this one: missed now.
        execute("update alert_watch set since = now() - interval '2 hours' where name = 'never'");
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("fired", "expectation:never")) == 1);
        assertTrue(pager.findAll(alert("fired", "expectation:never")).get(0).getBodyAsString()
                .contains("none has arrived since it was first watched at"));

        Events.post("test.never", "");
        await().atMost(Duration.ofSeconds(15)).until(() -> count(alert("resolved", "expectation:never")) == 1);
    }

    @Test
    void signatureFailuresSeenByAnotherReplicaKeepTheIncidentOpenUntilTheyStop() throws Exception {
        execute("delete from signature_failure_count where source = 'alerting-replicas'");
        incidents.resolve("signature-failures:alerting-replicas");
        UUID otherReplica = UUID.randomUUID();
        // Another replica reports 5 failures (its report stays fresh for a minute); this one saw none.
        execute("insert into signature_failure_count (replica, source, failures, reported_at)"
                + " values (?, 'alerting-replicas', 5, now() + interval '1 minute')", otherReplica);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> count(alert("fired", "signature-failures:alerting-replicas")) == 1);
        Thread.sleep(2000); // several checks by this replica
        assertEquals(0, count(alert("resolved", "signature-failures:alerting-replicas")), "it does not flap");

        execute("update signature_failure_count set failures = 0 where replica = ?", otherReplica);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> count(alert("resolved", "signature-failures:alerting-replicas")) == 1);
        assertEquals(1, count(alert("fired", "signature-failures:alerting-replicas")), "one alert per incident");
    }

    void execute(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    String deadRunOf(UUID event) {
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        return HubState.text(dataSource, "select id::text from action_run where event_id = ?", event);
    }
}
