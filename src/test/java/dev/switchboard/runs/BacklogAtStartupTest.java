package dev.switchboard.runs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.StartupGate;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.rules.RuleSet;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;
import dev.switchboard.support.Workspace;

/**
 * The startup race of issue 12, reproduced by construction rather than by timing: this hub starts
 * with a rule set that cannot load (its rule names a port that is not bound yet), so it is exactly
 * in the state a starting hub is in before its rules load, and stays there for as long as the
 * test needs. A backlog gathers on the stream, on a queue source and in the run table; only once
 * the binding appears do rules, model and port load together, and then every event is judged by
 * them: none IGNORED, no run dead for want of its port, and no alert about the port resolved
 * because its binding was not there yet.
 *
 * <p>Its own profile (and so its own start of the hub, on the shared data directory) because the
 * shared hub has long loaded its rules.
 */
@QuarkusTest
@TestProfile(BacklogAtStartupTest.RulesNotLoadableAtStart.class)
class BacklogAtStartupTest {

    static final Path RULES = Path.of("target/test-rules-startup");
    static final String PORT = "startup-sink";
    static final int BACKLOG = 12;

    public static class RulesNotLoadableAtStart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return HubTestProfile.with(Map.of("switchboard.rules.dir", RULES.toString()));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RuleNamingAPortNotYetBound.class));
        }
    }

    /** Written before the hub starts: a rule that needs a SQL model and the port {@value #PORT}, which is not bound. */
    public static class RuleNamingAPortNotYetBound implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Workspace.unbindPort(PORT);
            write(RULES.resolve("models/startup_vip.sql"),
                    "select (:data.total)::numeric > 100 as vip, 'gold' as tier\n");
            write(RULES.resolve("startup.yaml"), """
                    rules:
                      - id: startup-vip
                        on: startup.order
                        require: [startup_vip]
                        actions:
                          - id: notify
                            port: %s
                            body: '{"order": "{{data.id}}", "tier": "{{models.startup_vip.tier}}"}'
                    """.formatted(PORT));
            return Map.of();
        }

        @Override
        public void stop() {
        }

        private static void write(Path file, String text) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static WireMockServer sink;

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionFactory connectionFactory;

    @Inject
    RulesInForce repository;

    @Inject
    StartupGate gate;

    @Inject
    StreamConsumer streamConsumer;

    @AfterAll
    static void unbind() {
        Workspace.unbindPort(PORT);
        if (sink != null) {
            sink.stop();
        }
    }

    @Test
    void aBacklogWaitingWhenTheHubStartsIsJudgedByTheRulesOnceTheyLoadAndNoneIsIgnored() throws Exception {
        // The hub is up, but what would judge events is not: the start's load was rejected.
        assertFalse(gate.isOpen());
        assertTrue(repository.current() == RuleSet.EMPTY, "no rule set has loaded");
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'consumers' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'consumers' }.data.waitingFor",
                        containsString("unknown port '" + PORT + "'"));

        // A backlog: webhooks accepted (the ingest never waits), relayed onto the stream ...
        List<UUID> backlog = new ArrayList<>();
        for (int i = 0; i < BACKLOG; i++) {
            backlog.add(Events.post("startup.order", "\"total\": " + (200 + i)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.count(dataSource,
                "select count(*) from stream_outbox where event_id::text = any (?)", (Object) texts(backlog)) == 0);
        // ... a message on a queue source's address ...
        String queued = UUID.randomUUID().toString();
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue("test.queue.json"),
                    "{\"id\":\"" + queued + "\",\"type\":\"startup.order\",\"total\":500}");
        }
        UUID queuedEvent = IncomingEvent.eventId("queue-json", queued);
        // ... and a run already due, as a hub killed mid-way leaves them.
        UUID early = Events.post("startup.other", "");
        UUID dueRun = RunLedger.runId(early.toString(), "startup-vip", "notify");
        HubState.count(dataSource, """
                with inserted as (
                  insert into action_run (id, event_id, rule_id, action_id, port, body, state, max_attempts,
                      initial_delay_ms, max_delay_ms, next_attempt_at)
                  values (?, ?, 'startup-vip', 'notify', ?, '{"order": "left over"}', 'PENDING', 3, 100, 1000, now())
                  returning 1)
                select count(*) from inserted""", dueRun, early, PORT);

        // An alert left open for the port, as a hub killed while it was paged leaves it: the alert
        // checks (every 500 ms) must not take a port whose binding has not loaded yet for one that is gone.
        UUID incident = UUID.randomUUID();
        HubState.count(dataSource, """
                with inserted as (
                  insert into alert_incident (id, incident, kind, title, detail, fired_noticed)
                  values (?, ?, 'port-failure', 'Port is failing', 'left open by the last run', true)
                  returning 1)
                select count(*) from inserted""", incident, "port-failure:" + PORT);

        // Nothing of it is taken while the rules cannot load: the consumers are not even connected.
        long streamAcknowledged = Queues.acknowledged("switchboard.events");
        Thread.sleep(2_000);
        assertEquals(1, HubState.count(dataSource,
                "select count(*) from alert_incident where id = ? and resolved_at is null", incident),
                "the port's alert is still open");
        HubState.count(dataSource,
                "with deleted as (delete from alert_incident where id = ? returning 1) select count(*) from deleted", incident);
        assertEquals(0, streamConsumer.connectedConsumers());
        assertEquals(streamAcknowledged, Queues.acknowledged("switchboard.events"));
        for (UUID event : backlog) {
            assertEquals("RECEIVED", HubState.eventState(dataSource, event));
        }
        assertNull(HubState.eventState(dataSource, queuedEvent), "the queue source has not taken its message");
        assertEquals("PENDING", HubState.text(dataSource, "select state from action_run where id = ?", dueRun));
        assertEquals(0, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", dueRun));

        // The port is bound in the operator's file: rules, model and binding load together, and the gate opens.
        sink = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sink.start();
        sink.stubFor(post("/startup").willReturn(aResponse().withStatus(200)));
        Workspace.bindPort(PORT, Map.of("connector", "http", "url", "http://127.0.0.1:" + sink.port() + "/startup"));
        await().atMost(Duration.ofSeconds(20)).until(gate::isOpen);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'consumers' }.status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 200);

        List<UUID> all = new ArrayList<>(backlog);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, queuedEvent) != null);
        all.add(queuedEvent);
        for (UUID event : all) {
            assertEquals("PROCESSED", Events.awaitOutcome(dataSource, event), "event " + event);
            assertEquals(1, Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(
                HubState.text(dataSource, "select state from action_run where id = ?", dueRun)));

        // Each reached the sink once, with its model's answer in the body.
        List<LoggedRequest> calls = sink.findAll(postRequestedFor(urlEqualTo("/startup")));
        Set<String> keys = calls.stream().map(call -> call.getHeader("Idempotency-Key")).collect(Collectors.toSet());
        assertEquals(all.size() + 1, calls.size());
        assertEquals(all.size() + 1, keys.size());
        assertTrue(keys.contains(dueRun.toString()));
        assertTrue(calls.stream().filter(call -> !call.getHeader("Idempotency-Key").equals(dueRun.toString()))
                .allMatch(call -> call.getBodyAsString().contains("\"tier\": \"gold\"")));
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where id::text = any (?) and state <> 'PROCESSED'", (Object) texts(all)));
    }

    static String[] texts(List<UUID> ids) {
        return ids.stream().map(UUID::toString).toArray(String[]::new);
    }
}
