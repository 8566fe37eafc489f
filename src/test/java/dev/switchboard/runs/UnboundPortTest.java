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
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A run whose port is not bound waits for its binding with the reason shown, carries on when the
 * binding appears (bindings are read again from the operator's file), and goes DEAD only when an
 * operator discards it or after {@code switchboard.runs.unbound-grace} ({@value HubTestProfile#UNBOUND_GRACE} here).
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class UnboundPortTest {

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Inject
    ProducerTemplate producer;

    @Inject
    ConnectionFactory connectionFactory;

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
    }

    @AfterAll
    static void stopDownstream() {
        downstream.stop();
    }

    static String port(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A route's call to the port, the way a run reaches a port that no loaded rule names; returns the run. */
    UUID call(String port) {
        Exchange sent = producer.request("direct:switchboard-call", exchange -> {
            exchange.getMessage().setBody("{\"to\": \"" + port + "\"}");
            exchange.getMessage().setHeader("SwitchboardPort", port);
            exchange.getMessage().setHeader("SwitchboardEventSource", "unbound-port-test");
            exchange.getMessage().setHeader("SwitchboardEventId", UUID.randomUUID().toString());
        });
        if (sent.getException() != null) {
            throw new AssertionError(sent.getException());
        }
        UUID event = UUID.fromString(String.valueOf(sent.getMessage().getHeader("SwitchboardEvent")));
        return Events.runOf(dataSource, event);
    }

    void bind(String port) {
        Workspace.bindPort(port, Map.of("connector", "http", "url", "http://127.0.0.1:" + downstream.port() + "/" + port));
        assertEquals(List.of(), repository.reload());
    }

    void unbind(String port) {
        Workspace.unbindPort(port);
        assertEquals(List.of(), repository.reload());
    }

    String state(UUID run) {
        return HubState.text(dataSource, "select state from action_run where id = ?", run);
    }

    boolean waiting(UUID run) {
        return HubState.count(dataSource, "select count(*) from action_run where id = ? and state = 'PENDING'"
                + " and unbound_since is not null and next_attempt_at is null", run) == 1;
    }

    long attempts(UUID run) {
        return HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run);
    }

    List<LoggedRequest> requests(String port) {
        return downstream.findAll(postRequestedFor(urlEqualTo("/" + port)));
    }

    @Test
    void aRunToAPortThatIsNotBoundWaitsWithTheReasonAndSucceedsOnceTheBindingAppears() throws Exception {
        String port = port("late");
        downstream.stubFor(post("/" + port).willReturn(aResponse().withStatus(200)));
        try {
            UUID run = call(port);
            assertTrue(waiting(run));
            given().get("/api/runs/" + run).then().statusCode(200)
                    .body("run.state", equalTo("PENDING"))
                    .body("run.lastError", containsString("port '" + port + "' is not bound: the run waits for its binding"))
                    .body("run.lastError", containsString("at most " + HubTestProfile.UNBOUND_GRACE))
                    .body("run.unboundSince", notNullValue())
                    .body("run.nextAttemptAt", nullValue())
                    .body("attempts", hasSize(0));
            // The dispatcher polls many times meanwhile; the run is not tried, so nothing counts against it.
            Thread.sleep(1_000);
            assertTrue(waiting(run));
            assertEquals(0, attempts(run));

            bind(port);
            await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(state(run)));
            assertEquals(1, attempts(run));
            assertEquals(1, requests(port).size());
            assertEquals(run.toString(), requests(port).get(0).getHeader("Idempotency-Key"));
            given().get("/api/runs/" + run).then().statusCode(200)
                    .body("run.lastError", nullValue())
                    .body("run.unboundSince", nullValue());
        } finally {
            unbind(port);
        }
    }

    @Test
    void aRunWhosePortIsRemovedWaitsAndCarriesOnWhenThePortIsBoundAgain() {
        String port = port("removable");
        String rule = "removable-" + port;
        String type = "unbound." + port;
        downstream.stubFor(post("/" + port).willReturn(aResponse().withStatus(503).withBody("busy")));
        bind(port);
        Workspace.writeRule(rule + ".yaml", """
                rules:
                  - id: %s
                    on: %s
                    actions:
                      - id: call
                        port: %s
                        retry: {max-attempts: 50, initial-delay: 200ms, max-delay: 400ms}
                """.formatted(rule, type, port));
        assertEquals(List.of(), repository.reload());
        try {
            UUID event = Events.post(type, "");
            Events.awaitOutcome(dataSource, event);
            UUID run = Events.runOf(dataSource, event);
            await().atMost(Duration.ofSeconds(20)).until(() -> attempts(run) >= 1);

            // The rule and its port leave the configuration together: the retries stop, the run waits.
            Workspace.deleteRule(rule + ".yaml");
            unbind(port);
            await().atMost(Duration.ofSeconds(45)).until(() -> waiting(run));
            assertTrue(HubState.text(dataSource, "select last_error from action_run where id = ?", run)
                    .startsWith("port '" + port + "' is not bound"));
            long tried = attempts(run);
            int called = requests(port).size();
            assertTrue(HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?"
                    + " and outcome = 'FAILED' and downstream_status = 503", run) >= 1);

            // The port comes back (no rule needed: the run knows its port), and this time the downstream answers.
            downstream.stubFor(post("/" + port).willReturn(aResponse().withStatus(200)));
            bind(port);
            await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(state(run)));
            assertEquals(tried + 1, attempts(run), "one more attempt, the one that succeeded");
            assertEquals(called + 1, requests(port).size());
            assertTrue(requests(port).stream().allMatch(call -> run.toString().equals(call.getHeader("Idempotency-Key"))));
        } finally {
            Workspace.deleteRule(rule + ".yaml");
            unbind(port);
        }
    }

    @Test
    void aRunWhosePortStaysUnboundGoesDeadAfterTheGracePeriodWithTheReason() throws Exception {
        String port = port("gone");
        UUID run = call(port);
        assertTrue(waiting(run));

        await().atMost(Duration.ofSeconds(60)).until(() -> "DEAD".equals(state(run)));
        String reason = HubState.text(dataSource, "select last_error from action_run where id = ?", run);
        assertTrue(reason.startsWith("port '" + port + "' was not bound within " + HubTestProfile.UNBOUND_GRACE
                + " (switchboard.runs.unbound-grace), waiting since "), reason);
        assertTrue(HubState.count(dataSource, "select count(*) from action_run where id = ?"
                + " and updated_at - unbound_since >= cast(? as interval)", run, HubTestProfile.UNBOUND_GRACE) == 1,
                "it waited its grace");
        assertEquals(0, attempts(run));
        String letter = deadLetter(run);
        assertNotNull(letter, "the DEAD run's dead letter");
        assertTrue(letter.contains("was not bound within"), letter);

        // Dead like any other: an operator can replay it, and it waits again for as long.
        given().contentType("application/json").post("/api/runs/" + run + "/replay").then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting(run));
        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(200).body("state", equalTo("DISCARDED"));
    }

    @Test
    void anOperatorDiscardsAWaitingRunAtOnceAndAViewerCannot() {
        String port = port("discarded");
        UUID run = call(port);
        assertTrue(waiting(run));

        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(403);
        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(200)
                .body("state", equalTo("DISCARDED"))
                .body("unboundSince", nullValue());
        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("is DISCARDED"));

        // Another, discarded by its port with the others waiting for it.
        UUID other = call(port);
        given().contentType("application/json").queryParam("port", port).queryParam("unbound", true).post("/api/runs/discard").then().statusCode(200)
                .body("discarded", equalTo(1));
        assertEquals("DISCARDED", state(other));
        assertNull(HubState.text(dataSource, "select next_attempt_at::text from action_run where id = ?", other));
    }

    private String deadLetter(UUID run) throws Exception {
        try (JMSContext context = connectionFactory.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue(StreamAddresses.DEAD_RUNS),
                        ExchangeKeys.DEAD_RUN + " = '" + run + "'")) {
            Message message = consumer.receive(10_000);
            return message == null ? null : message.getBody(String.class);
        }
    }
}
