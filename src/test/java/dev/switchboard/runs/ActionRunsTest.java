package dev.switchboard.runs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.boot.EmbeddedDatabase;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** Action runs against a real HTTP downstream (WireMock): retries, dead letters, replay, idempotency. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ActionRunsTest {

    private static final String STREAM_DUPLICATES = "switchboard_stream_duplicates_total";

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Inject
    ConnectionFactory connectionFactory;

    @Inject
    ProducerTemplate producer;

    @Inject
    AttemptsUnderWay underWay;

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
    }

    @AfterAll
    static void stopDownstream() {
        downstream.stop();
    }

    @BeforeEach
    void rules() {
        Workspace.bindPort("downstream", Map.of("connector", "http",
                "url", "http://127.0.0.1:" + downstream.port() + "/{{type}}"));
        Workspace.writeRule("runs.yaml", """
                rules:
                  - id: call-downstream
                    on: runs.*
                    actions:
                      - id: call
                        port: downstream
                        body: '{"order": "{{data.id}}"}'
                        retry: {max-attempts: 5, initial-delay: 400ms, max-delay: 5s}
                  - id: call-and-give-up
                    on: exhausts.*
                    actions:
                      - id: call
                        port: downstream
                        body: '{"order": "{{data.id}}"}'
                        retry: {max-attempts: 3, initial-delay: 100ms, max-delay: 200ms}
                """);
        assertEquals(List.of(), repository.reload());
    }

    static String type(String name) {
        return "runs." + name + "-" + UUID.randomUUID();
    }

    UUID runOf(UUID event) {
        return Events.runOf(dataSource, event);
    }

    /** An event no rule takes, and a run of it on the port downstream as another replica left it. */
    record LeftBehind(UUID event, UUID run) {
    }

    /**
     * Stores a run with a budget of 3 attempts: RUNNING under a claim of "another-replica" that
     * expires after {@code claimExpiresIn} (an SQL interval; negative: expired already), or PENDING
     * and unclaimed when that is null.
     */
    LeftBehind leftBehind(String type, String rule, String body, int attempts, String claimExpiresIn) {
        return leftBehind(type, rule, "downstream", body, attempts, claimExpiresIn);
    }

    /** As {@link #leftBehind(String, String, String, int, String)}, on {@code port}. */
    LeftBehind leftBehind(String type, String rule, String port, String body, int attempts, String claimExpiresIn) {
        UUID event = Events.post(type, "");
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, event));
        UUID run = RunLedger.runId(event.toString(), rule, "call");
        HubState.count(dataSource, """
                with inserted as (
                  insert into action_run (id, event_id, rule_id, action_id, port, body, state, attempts, max_attempts,
                      initial_delay_ms, max_delay_ms, next_attempt_at, claimed_by, claim_expires_at)
                  values (?, ?, ?, 'call', ?, ?, ?, ?, 3, 100, 1000, now(), ?, now() + cast(? as interval))
                  returning 1)
                select count(*) from inserted""", run, event, rule, port, body, claimExpiresIn == null ? "PENDING" : "RUNNING",
                attempts, claimExpiresIn == null ? null : "another-replica", claimExpiresIn);
        return new LeftBehind(event, run);
    }

    /** The claim a replica would hold of a run left behind, for its attempt {@code attempt}. */
    ClaimedRun claimOf(LeftBehind left, String rule, int attempt) {
        return new ClaimedRun(left.run(), left.event(), rule, "call", "downstream", Optional.empty(), "{}", attempt, 0,
                new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)),
                HubState.text(dataSource, "select envelope::text from event where id = ?", left.event()), null);
    }

    /** The call under way of {@code claim} ends without an outcome, and its claim with it. */
    void endedWithoutOutcome(ClaimedRun claim) {
        underWay.end(claim);
        HubState.count(dataSource, """
                with ended as (update action_run set claim_expires_at = now() where id = ? returning 1)
                select count(*) from ended""", claim.id());
    }

    List<LoggedRequest> requests(String type) {
        return downstream.findAll(postRequestedFor(urlEqualTo("/" + type)));
    }

    @Test
    void aDownstreamFailingThreeTimesThenSucceeding() {
        String type = type("flaky");
        String scenario = "flaky-" + type;
        for (int i = 0; i < 3; i++) {
            downstream.stubFor(post("/" + type).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                    .willReturn(aResponse().withStatus(503).withBody("busy"))
                    .willSetStateTo("failed-" + (i + 1)));
        }
        downstream.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs("failed-3")
                .willReturn(aResponse().withStatus(200).withBody("ok")));

        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(30), RunState.SUCCEEDED);
        UUID run = runOf(event);

        assertEquals(4, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run));
        assertEquals(1, HubState.count(dataSource,
                "select count(*) from action_attempt where run_id = ? and outcome = 'SUCCEEDED'", run));
        assertEquals(3, HubState.count(dataSource,
                "select count(*) from action_attempt where run_id = ? and outcome = 'FAILED' and downstream_status = 503",
                run));
        // The waits double from 400 ms and are jittered to between half and all of it.
        long[] gaps = new long[3];
        for (int attempt = 1; attempt <= 3; attempt++) {
            gaps[attempt - 1] = HubState.count(dataSource, """
                    select (extract(epoch from (select started_at from action_attempt where run_id = ? and attempt = ?)
                          - (select started_at + duration_ms * interval '1 millisecond' from action_attempt
                             where run_id = ? and attempt = ?)) * 1000)::bigint""", run, attempt + 1, run, attempt);
        }
        assertTrue(gaps[0] >= 190 && gaps[1] >= 390 && gaps[2] >= 790, java.util.Arrays.toString(gaps));
        assertTrue(gaps[2] > gaps[0], java.util.Arrays.toString(gaps));

        List<LoggedRequest> calls = requests(type);
        assertEquals(4, calls.size());
        assertTrue(calls.stream().allMatch(call -> run.toString().equals(call.getHeader("Idempotency-Key"))),
                "every attempt carries the run's idempotency key");
    }

    @Test
    void aDownstream400IsDeadAfterOneAttempt() throws Exception {
        String type = type("rejected");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\": \"invalid order\"}")));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = runOf(event);

        assertEquals("1", HubState.text(dataSource, "select attempts::text from action_run where id = ?", run));
        assertEquals("400", HubState.text(dataSource,
                "select downstream_status::text from action_attempt where run_id = ?", run));
        assertTrue(HubState.text(dataSource, "select response_excerpt from action_attempt where run_id = ?", run)
                .contains("invalid order"));
        assertEquals(1, deadLetters(run).size());
    }

    @Test
    void exhaustedRetriesAreDeadWithOneDeadLetter() throws Exception {
        String type = "exhausts." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(500).withBody("down")));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = runOf(event);

        assertEquals(3, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run));
        assertTrue(HubState.text(dataSource, "select last_error from action_run where id = ?", run)
                .startsWith("retries exhausted after 3 attempt(s): HTTP 500"));
        List<String> letters = deadLetters(run);
        assertEquals(1, letters.size());
        assertTrue(letters.get(0).contains("\"reason\":\"retries exhausted"), letters.get(0));
    }

    @Test
    void aReplayedRunSucceedsWithOneDownstreamEffect() {
        String type = type("replayed");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(422).withBody("unknown customer")));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = runOf(event);

        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(201).withBody("created")));
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.equalTo(run.toString()));
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);

        List<LoggedRequest> calls = requests(type);
        assertEquals(2, calls.size(), "the rejected attempt and the replay");
        assertEquals(1, downstream.getAllServeEvents().stream()
                .filter(served -> served.getRequest().getUrl().equals("/" + type))
                .filter(served -> served.getResponse().getStatus() == 201).count(), "one downstream effect");
        assertTrue(calls.stream().allMatch(call -> run.toString().equals(call.getHeader("Idempotency-Key"))));
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void aReplayedDeadRunGetsAFullFreshBudgetAndItsCountsReadRight() {
        String type = "exhausts." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(500).withBody("down")));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = runOf(event);

        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200)
                // Counted from this replay: none yet, or the first if a worker took it already.
                .body("attempts", lessThanOrEqualTo(1)).body("maxAttempts", equalTo(3))
                .body("replays", equalTo(1)).body("totalAttempts", lessThanOrEqualTo(4));
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        assertEquals(6, requests(type).size(), "three attempts, then three more after the replay");
        given().get("/api/runs/" + run).then().statusCode(200)
                .body("run.attempts", equalTo(3)).body("run.maxAttempts", equalTo(3))
                .body("run.replays", equalTo(1)).body("run.totalAttempts", equalTo(6))
                .body("run.lastError", startsWith("retries exhausted after 3 attempt(s)"))
                .body("attempts.attempt", contains(1, 2, 3, 4, 5, 6))
                .body("attempts.replay", contains(0, 0, 0, 1, 1, 1))
                .body("attempts.attemptOfReplay", contains(1, 2, 3, 1, 2, 3));

        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200).withBody("ok")));
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200);
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
        given().get("/api/runs/" + run).then().statusCode(200)
                .body("run.attempts", equalTo(1)).body("run.replays", equalTo(2)).body("run.totalAttempts", equalTo(7))
                .body("attempts.replay", contains(0, 0, 0, 1, 1, 1, 2))
                .body("attempts.attemptOfReplay", contains(1, 2, 3, 1, 2, 3, 1));
    }

    @Test
    void aRunDeadFromItsTemplateIsRenderedAgainOnReplay() throws Exception {
        String type = "templated." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        try {
            writeTemplatedRule("{\"order\": \"{{data.id}}\", \"note\": \"{{data.note}}\"}");
            UUID event = Events.post(type, "");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
            UUID run = runOf(event);
            assertEquals(1, deadLetters(run).size(), "a run DEAD at planning has its dead letter too");

            // The rule still cannot render it: refused, and the run stays as it was.
            given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("'data.note' is absent"));
            assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where id = ?", run));
            assertEquals(null, HubState.text(dataSource, "select body from action_run where id = ?", run));

            // Fixed by the operator: the replay renders the fixed template.
            writeTemplatedRule("{\"order\": \"{{data.id}}\"}");
            given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200);
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
            List<LoggedRequest> calls = requests(type);
            assertEquals(1, calls.size());
            assertTrue(calls.get(0).getBodyAsString().startsWith("{\"order\": \""), calls.get(0).getBodyAsString());
        } finally {
            Workspace.deleteRule("templated.yaml");
            repository.reload();
        }
    }

    void writeTemplatedRule(String body) {
        Workspace.writeRule("templated.yaml", """
                rules:
                  - id: templated
                    on: templated.*
                    actions: [{id: call, port: downstream, body: '%s'}]
                """.formatted(body));
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void aRunWithoutABodyIsDeadNotSent() {
        String type = "bodiless." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        UUID run = leftBehind(type, "bodiless", null, 0, null).run();

        await().atMost(Duration.ofSeconds(20)).until(() -> "DEAD".equals(
                HubState.text(dataSource, "select state from action_run where id = ?", run)));
        assertTrue(HubState.text(dataSource, "select last_error from action_run where id = ?", run)
                .contains("no body"));
        assertEquals(0, requests(type).size());
    }

    @Test
    void theSameEventRedeliveredToTheStreamMakesOneRunAndOneCall() {
        String type = type("redelivered");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);

        String envelope = HubState.text(dataSource, "select envelope::text from event where id = ?", event);
        // Seen by the consumer once it counts a duplicate (only this test redelivers while it runs), not
        // once any stream message is acknowledged.
        double duplicates = HubState.metric(STREAM_DUPLICATES);
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), envelope);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> HubState.metric(STREAM_DUPLICATES) > duplicates);

        assertEquals(1, HubState.count(dataSource, "select count(*) from action_run where event_id = ?", event));
        assertEquals(1, requests(type).size());
    }

    @Test
    void theSameEventRedeliveredWhileItsRunIsStillRunningMakesOneRunAndOneCall() {
        String type = type("redelivered-early");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        UUID event = Events.post(type, "");
        await().atMost(Duration.ofSeconds(20)).until(() -> !requests(type).isEmpty());
        assertEquals("RUNNING", HubState.text(dataSource, "select state from action_run where event_id = ?", event));

        String envelope = HubState.text(dataSource, "select envelope::text from event where id = ?", event);
        // Seen by the consumer once it counts a duplicate (only this test redelivers while it runs), not
        // once any stream message is acknowledged.
        double duplicates = HubState.metric(STREAM_DUPLICATES);
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), envelope);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> HubState.metric(STREAM_DUPLICATES) > duplicates);
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);

        assertEquals(1, HubState.count(dataSource, "select count(*) from action_run where event_id = ?", event));
        assertEquals(1, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?",
                runOf(event)));
        assertEquals(1, requests(type).size());
    }

    @Test
    void aRunWhoseReplicaDiedIsRetriedWithTheSameKeyOnceItsClaimExpires() {
        String type = "crash." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        // What a replica leaves behind when it is killed after claiming a run.
        UUID run = leftBehind(type, "gone-rule", "{}", 1, "-1 second").run();

        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(
                HubState.text(dataSource, "select state from action_run where id = ?", run)));
        assertEquals("LOST", HubState.text(dataSource,
                "select outcome from action_attempt where run_id = ? and attempt = 1", run));
        assertEquals("SUCCEEDED", HubState.text(dataSource,
                "select outcome from action_attempt where run_id = ? and attempt = 2", run));
        List<LoggedRequest> calls = downstream.findAll(postRequestedFor(urlEqualTo("/" + type)));
        assertEquals(1, calls.size());
        assertEquals(run.toString(), calls.get(0).getHeader("Idempotency-Key"));
    }

    @Test
    void aClaimWhoseCallIsStillUnderWayIsRenewedInsteadOfTakenAgain() throws Exception {
        String type = "slow." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        // Two runs this replica claimed, their claims ending in two seconds: one's call is still
        // under way (a downstream slower than the claim), the other's attempt ended without an outcome.
        LeftBehind slow = leftBehind(type, "slow-rule", "{}", 1, "2 seconds");
        LeftBehind ended = leftBehind(type, "ended-rule", "{}", 1, "2 seconds");
        assertEquals(2, HubState.count(dataSource, """
                with claimed as (update action_run set claimed_by = ? where id in (?, ?) returning 1)
                select count(*) from claimed""", RunDispatcher.NODE, slow.run(), ended.run()));
        ClaimedRun underWayClaim = claimOf(slow, "slow-rule", 1);
        underWay.begin(underWayClaim, Duration.ofSeconds(2));
        try {
            // The ended attempt's claim runs out and its run is retried, once ...
            Events.awaitRuns(dataSource, ended.event(), Duration.ofSeconds(20), RunState.SUCCEEDED);
            assertEquals("LOST", HubState.text(dataSource,
                    "select outcome from action_attempt where run_id = ? and attempt = 1", ended.run()));
            assertEquals(1, requests(type).size());
            // ... while the claim of the call under way was renewed by the heartbeat: not taken again.
            assertEquals(1, HubState.count(dataSource, """
                    select count(*) from action_run where id = ? and state = 'RUNNING' and attempts = 1 and claimed_by = ?
                      and claim_expires_at > now() + interval '1 minute'""", slow.run(), RunDispatcher.NODE));
            assertEquals(0, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", slow.run()));
        } finally {
            endedWithoutOutcome(underWayClaim);
        }
        Events.awaitRuns(dataSource, slow.event(), Duration.ofSeconds(20), RunState.SUCCEEDED);
        assertEquals(2, requests(type).size());
    }

    @Test
    void aCallThatHasNotReturnedForLongerThanAClaimRaisesAnAlertNamingItsRunUntilItEnds() throws Exception {
        String type = "hung." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        // A run this replica claimed five minutes ago whose call is still under way (the claim
        // renewed meanwhile, as the heartbeat does): a downstream that never answers.
        LeftBehind hung = leftBehind(type, "hung-rule", "{}", 1, "1 hour");
        assertEquals(1, HubState.count(dataSource, """
                with claimed as (update action_run set claimed_by = ?, updated_at = now() - interval '5 minutes'
                  where id = ? returning 1)
                select count(*) from claimed""", RunDispatcher.NODE, hung.run()));
        ClaimedRun claim = claimOf(hung, "hung-rule", 1);
        underWay.begin(claim, Duration.ofHours(1));
        String incident = "calls-under-way:downstream";
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> HubState.count(dataSource,
                    "select count(*) from alert_incident where incident = ? and resolved_at is null", incident) == 1);
            String detail = HubState.text(dataSource,
                    "select detail from alert_incident where incident = ? and resolved_at is null", incident);
            assertTrue(detail.contains("run " + hung.run() + " on " + RunDispatcher.NODE), detail);
            assertTrue(detail.contains("under way for over 2m"), detail);
            assertEquals(0, requests(type).size(), "not called again while the first call may still arrive");
        } finally {
            // The call ends without an outcome (its replica restarted, say): the run is retried.
            endedWithoutOutcome(claim);
        }
        Events.awaitRuns(dataSource, hung.event(), Duration.ofSeconds(20), RunState.SUCCEEDED);
        await().atMost(Duration.ofSeconds(10)).until(() -> HubState.count(dataSource,
                "select count(*) from alert_incident where incident = ? and resolved_at is null", incident) == 0);
        assertEquals(hung.run().toString(), requests(type).get(0).getHeader("Idempotency-Key"));
    }

    @Test
    void aReplicaThatKeepsBeatingKeepsItsClaimsAndOneThatFallsSilentLosesThemBeforeTheyExpire()
            throws Exception {
        String type = "silent." + UUID.randomUUID();
        String replica = "replica-" + UUID.randomUUID();
        // A run claimed for ten minutes by a replica whose heartbeat is current.
        UUID run = claimedByBeatingReplica(type, replica, "1 hour");

        // This hub beats, and looks for silent replicas, every second: several times meanwhile.
        String beat = ownBeat();
        Thread.sleep(2 * HubTestProfile.REPLICA_TIMEOUT.toMillis());
        assertTrue(ownBeat().compareTo(beat) > 0, "this hub kept beating");
        // The replica falls silent: its run is retried long before its claim's ten minutes.
        keptThenRetriedOnceSilent(type, replica, run);
        assertEquals("LOST", HubState.text(dataSource,
                "select outcome from action_attempt where run_id = ? and attempt = 1", run));
        List<LoggedRequest> calls = requests(type);
        assertEquals(1, calls.size());
        assertEquals(run.toString(), calls.get(0).getHeader("Idempotency-Key"));
    }

    @Test
    void aDatabaseOutageLongerThanTheReplicaTimeoutDoesNotMakeALiveReplicaLoseItsClaims() throws Exception {
        String type = "outage." + UUID.randomUUID();
        String replica = "replica-" + UUID.randomUUID();
        UUID run = claimedByBeatingReplica(type, replica, "0 seconds");

        // Nobody can beat while the database is away, so afterwards every beat is older than the timeout.
        String before = ownBeat();
        EmbeddedDatabase.stop();
        try {
            Thread.sleep(HubTestProfile.REPLICA_TIMEOUT.toMillis() + 1_000);
        } finally {
            EmbeddedDatabase.restart();
        }
        // This hub beats again first; the other replica reaches the database right after it, and
        // beats from then on. A hub that counted it silent at its own first beat would take its run.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> !before.equals(ownBeat()));
        long until = System.nanoTime() + 2 * HubTestProfile.REPLICA_TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HubState.count(dataSource,
                    "with b as (update replica_beat set beat_at = now() where node = ? returning 1)"
                            + " select count(*) from b", replica) == 1);
            Thread.sleep(250);
        }
        // Once it stops beating, its run is retried as usual.
        keptThenRetriedOnceSilent(type, replica, run);
    }

    @Test
    void anOutcomeThatFindsTheDatabaseDownIsRecordedOnceItIsBackWithoutCallingDownstreamAgain() throws Exception {
        String type = type("outcome-outage");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));
        UUID event = Events.post(type, "");
        UUID run = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> runOf(event),
                java.util.Objects::nonNull);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RUNNING".equals(
                HubState.text(dataSource, "select state from action_run where id = ?", run)));

        // Downstream answers while the database is away: the outcome cannot be written then.
        Thread.sleep(1_000);
        EmbeddedDatabase.stop();
        try {
            Thread.sleep(4_000);
        } finally {
            EmbeddedDatabase.restart();
        }

        // Well within the claim's two minutes: this replica still knows the answer, and writes it.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> "SUCCEEDED".equals(HubState.text(dataSource, "select state from action_run where id = ?", run)));
        assertEquals("1 SUCCEEDED", HubState.text(dataSource,
                "select string_agg(attempt || ' ' || outcome, ', ' order by attempt) from action_attempt where run_id = ?",
                run));
        assertEquals(1, requests(type).size());
    }

    /**
     * A run of an event of {@code type} (whose downstream answers 200), claimed for ten minutes by
     * {@code replica}, whose last beat is {@code beatIn} (an SQL interval) from now.
     */
    private UUID claimedByBeatingReplica(String type, String replica, String beatIn) {
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        UUID run = leftBehind(type, "beat-rule", "{}", 1, "10 minutes").run();
        HubState.count(dataSource, "with b as (insert into replica_beat values (?, now() + cast(? as interval))"
                + " returning 1) select count(*) from b", replica, beatIn);
        HubState.count(dataSource, "with c as (update action_run set claimed_by = ? where id = ? returning 1)"
                + " select count(*) from c", replica, run);
        return run;
    }

    /** The run is still its replica's, untried; once the replica falls silent it is retried and succeeds. */
    private void keptThenRetriedOnceSilent(String type, String replica, UUID run) {
        assertEquals("RUNNING", HubState.text(dataSource, "select state from action_run where id = ?", run));
        assertEquals(0, requests(type).size());
        HubState.count(dataSource, "with b as (update replica_beat set beat_at = now() - interval '1 minute'"
                + " where node = ? returning 1) select count(*) from b", replica);
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(
                HubState.text(dataSource, "select state from action_run where id = ?", run)));
    }

    private String ownBeat() {
        return HubState.text(dataSource, "select beat_at::text from replica_beat where node = ?", RunDispatcher.NODE);
    }

    @Test
    void aRunWhoseReplicaDiedAtItsLastAttemptIsDead() throws Exception {
        String type = "crash-last." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        // The third of three attempts killed its replica, as the two before it did.
        UUID run = leftBehind(type, "poison-rule", "{}", 3, "-1 second").run();

        await().atMost(Duration.ofSeconds(20)).until(() -> "DEAD".equals(
                HubState.text(dataSource, "select state from action_run where id = ?", run)));
        assertTrue(HubState.text(dataSource, "select last_error from action_run where id = ?", run)
                .startsWith("retries exhausted after 3 attempt(s): the claim of another-replica ended before it"
                        + " recorded an outcome"));
        assertEquals("LOST", HubState.text(dataSource,
                "select outcome from action_attempt where run_id = ? and attempt = 3", run));
        assertEquals("3", HubState.text(dataSource, "select attempts::text from action_run where id = ?", run));
        assertEquals(0, downstream.findAll(postRequestedFor(urlEqualTo("/" + type))).size());
        assertEquals(1, deadLetters(run).size());
    }

    /**
     * A replica died mid-attempt and the port's binding went in the same rollout: no claim takes
     * the run again, so it waits for its binding like any other run of an unbound port (counted,
     * discardable, DEAD after the grace), its attempt recorded as LOST, instead of RUNNING for ever.
     */
    @Test
    void aRunWhoseReplicaDiedOnAPortNoLongerBoundWaitsForItsBinding() {
        UUID run = leftBehind("orphaned." + UUID.randomUUID(), "orphan-rule", "unbound-since-the-rollout", "{}", 1,
                "-1 second").run();
        // The waiting runs are settled at a change of the bindings (and every 30 s): make one.
        Workspace.bindPort("orphan-nudge-" + UUID.randomUUID().toString().substring(0, 8), Map.of("connector", "log"));
        assertEquals(List.of(), repository.reload());

        await().atMost(Duration.ofSeconds(20)).until(() -> "PENDING".equals(
                HubState.text(dataSource, "select state from action_run where id = ? and unbound_since is not null", run)));
        assertTrue(HubState.text(dataSource, "select last_error from action_run where id = ?", run)
                .startsWith("port 'unbound-since-the-rollout' is not bound"));
        assertEquals("LOST", HubState.text(dataSource,
                "select outcome from action_attempt where run_id = ? and attempt = 1", run));
        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(200);
    }

    @Test
    void anAttemptHandedOutTwiceCallsDownstreamOnce() throws Exception {
        String type = "twice." + UUID.randomUUID();
        // Slow enough that the second copy arrives while the first is still calling.
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(200).withFixedDelay(500)));
        // A run claimed for its first attempt, as the dispatcher leaves it before executing it.
        LeftBehind left = leftBehind(type, "twice-rule", "{}", 1, "1 minute");
        UUID run = left.run();
        ClaimedRun claim = claimOf(left, "twice-rule", 1);

        CompletableFuture<Object> first = producer.asyncSendBody(RunDispatchRoute.ATTEMPT, claim);
        CompletableFuture<Object> second = producer.asyncSendBody(RunDispatchRoute.ATTEMPT, claim);
        first.get(20, TimeUnit.SECONDS);
        second.get(20, TimeUnit.SECONDS);
        producer.sendBody(RunDispatchRoute.ATTEMPT, claim);

        assertEquals(1, downstream.findAll(postRequestedFor(urlEqualTo("/" + type))).size(), "one downstream call");
        assertEquals(1, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run));
        assertEquals("SUCCEEDED", HubState.text(dataSource, "select state from action_run where id = ?", run));
    }

    @Test
    void aStaleClaimChangesNothingAndSendsNoDeadLetter() throws Exception {
        String type = "stale." + UUID.randomUUID();
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(400)));
        // Claimed again (attempt 2) after the claim of attempt 1 expired.
        LeftBehind left = leftBehind(type, "stale-rule", "{}", 2, "1 minute");
        UUID run = left.run();

        // The replica that held attempt 1 comes back and fails it permanently.
        producer.sendBody(RunDispatchRoute.ATTEMPT, claimOf(left, "stale-rule", 1));

        assertEquals(1, downstream.findAll(postRequestedFor(urlEqualTo("/" + type))).size());
        assertEquals("RUNNING", HubState.text(dataSource, "select state from action_run where id = ?", run),
                "the current claim's run is left alone");
        assertEquals(0, HubState.count(dataSource,
                "select count(*) from action_run where id = ? and dead_letter_due", run));
        assertEquals(List.of(), deadLetters(run, 2000));
        // The current claimer finishes it, so that it is not retried when that claim expires.
        HubState.count(dataSource, """
                with finished as (
                  update action_run set state = 'SUCCEEDED', claimed_by = null, claim_expires_at = null where id = ?
                  returning 1)
                select count(*) from finished""", run);
    }

    /**
     * A connector may fail without a message: the run still has a reason, and its letter goes (a
     * letter without one stopped the sender for every letter after it).
     */
    @Test
    void aRunThatDiesWithoutAMessageHasAReasonAndItsLetterGoes() throws Exception {
        Workspace.bindPort("wordless", Map.of("connector", "wordless"));
        Workspace.writeRule("wordless.yaml", """
                rules:
                  - id: call-wordless
                    on: wordless.*
                    actions: [{id: call, port: wordless}]
                """);
        assertEquals(List.of(), repository.reload());
        UUID event = Events.post("wordless." + UUID.randomUUID(), "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = runOf(event);
        assertEquals("ConnectorException", HubState.text(dataSource, "select last_error from action_run where id = ?", run));
        List<String> letters = deadLetters(run);
        assertEquals(1, letters.size());
        assertTrue(letters.get(0).contains("\"reason\":\"ConnectorException\""), letters.get(0));
    }

    /**
     * A DEAD run replayed (or discarded) before its letter could go, within a poll or while the
     * broker was away, is not dead when the sender comes to it: no letter goes for it, and no alert.
     */
    @Test
    void aRunNoLongerDeadWhenItsLetterIsDueGetsNone() throws Exception {
        UUID run = leftBehind("unlettered." + UUID.randomUUID(), "unlettered-rule", "{}", 2, "1 hour").run();
        // As a replay that succeeded at once leaves it: its death's letter still marked due.
        HubState.count(dataSource, """
                with done as (
                  update action_run set state = 'SUCCEEDED', claimed_by = null, claim_expires_at = null,
                      dead_letter_due = true where id = ?
                  returning 1)
                select count(*) from done""", run);
        assertEquals(List.of(), deadLetters(run, 3000));
        assertEquals(0, HubState.count(dataSource, "select count(*) from action_run where id = ? and dead_letter_due", run),
                "taken, not left due");
    }

    /** The dead letters of one run, read from the dead-letter address with a selector. */
    List<String> deadLetters(UUID run) throws Exception {
        List<String> letters = deadLetters(run, 5000);
        assertFalse(letters.isEmpty(), "a dead letter for run " + run);
        return letters;
    }

    /** The dead letters of one run that arrive within the wait (then half a second apart). */
    List<String> deadLetters(UUID run, long waitMs) throws Exception {
        List<String> letters = new java.util.ArrayList<>();
        try (JMSContext context = connectionFactory.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue(StreamAddresses.DEAD_RUNS),
                        ExchangeKeys.DEAD_RUN + " = '" + run + "'")) {
            Message message = consumer.receive(waitMs);
            while (message != null) {
                letters.add(message.getBody(String.class));
                message = consumer.receive(500);
            }
        }
        return letters;
    }

}
