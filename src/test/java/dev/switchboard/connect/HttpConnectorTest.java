package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RuleRepository;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** The http connector's settings and status handling, against a real HTTP server (WireMock). */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class HttpConnectorTest {

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RuleRepository repository;

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
    void bindings() {
        String url = "http://127.0.0.1:" + downstream.port() + "/{{type}}";
        Workspace.bindPort("http-configured", Map.of("connector", "http", "url", url, "method", "put",
                "headers.X-Api-Key", "k-123", "auth", "basic", "username", "ada", "password", "s3cret"));
        Workspace.bindPort("http-impatient", Map.of("connector", "http", "url", url, "timeout", "300ms"));
        Workspace.bindPort("http-plain", Map.of("connector", "http", "url", url));
        Workspace.writeRule("http.yaml", """
                rules:
                  - id: http-configured
                    on: http.configured.*
                    actions: [{id: call, port: http-configured, body: '{"order": "{{data.id}}"}'}]
                  - id: http-impatient
                    on: http.impatient.*
                    actions:
                      - id: call
                        port: http-impatient
                        retry: {max-attempts: 3, initial-delay: 100ms, max-delay: 200ms}
                  - id: http-plain
                    on: http.plain.*
                    actions:
                      - id: call
                        port: http-plain
                        retry: {max-attempts: 3, initial-delay: 100ms, max-delay: 200ms}
                """);
        assertEquals(List.of(), repository.reload());
    }

    static String type(String kind) {
        return "http." + kind + "." + UUID.randomUUID();
    }

    UUID runOf(UUID event) {
        return UUID.fromString(HubState.text(dataSource, "select id::text from action_run where event_id = ?", event));
    }

    String attempt(UUID run, int attempt, String column) {
        return HubState.text(dataSource, "select " + column + "::text from action_attempt where run_id = ? and attempt = ?",
                run, attempt);
    }

    @Test
    void methodHeadersAndBasicAuthAreSent() {
        String type = type("configured");
        String basic = "Basic " + Base64.getEncoder().encodeToString("ada:s3cret".getBytes(StandardCharsets.UTF_8));
        // Only a request with every setting applied matches; anything else is WireMock's 404, a permanent failure.
        downstream.stubFor(put("/" + type).withHeader("X-Api-Key", equalTo("k-123"))
                .withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(204)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        UUID run = runOf(event);
        assertEquals("SUCCEEDED", HubState.text(dataSource, "select state from action_run where id = ?", run),
                HubState.text(dataSource, "select last_error from action_run where id = ?", run));
        assertEquals("204", attempt(run, 1, "downstream_status"));
    }

    @Test
    void aTimeoutFailsTheAttemptAndIsRetried() {
        String type = type("impatient");
        String scenario = "slow-" + type;
        downstream.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(2000)).willSetStateTo("fast"));
        downstream.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        UUID run = runOf(event);

        assertEquals("FAILED", attempt(run, 1, "outcome"));
        assertEquals("java.net.http.HttpTimeoutException", attempt(run, 1, "error_class"));
        assertEquals("SUCCEEDED", attempt(run, 2, "outcome"));
    }

    @Test
    void statuses408And429AreRetriedOther4xxAreNot() {
        for (int status : new int[] {408, 429}) {
            String type = type("plain");
            String scenario = "status-" + type;
            downstream.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(status)).willSetStateTo("ready"));
            downstream.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs("ready")
                    .willReturn(aResponse().withStatus(200)));
            UUID event = Events.post(type, "");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
            UUID run = runOf(event);
            assertEquals(Integer.toString(status), attempt(run, 1, "downstream_status"));
            assertEquals("SUCCEEDED", attempt(run, 2, "outcome"), "HTTP " + status + " is retried");
        }

        String type = type("plain");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(403)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        assertEquals(1, downstream.findAll(postRequestedFor(urlEqualTo("/" + type))).size(), "HTTP 403 is final");
    }

    @Test
    void theResponseIsKeptAsATruncatedExcerpt() {
        String type = type("plain");
        downstream.stubFor(post("/" + type).willReturn(aResponse().withStatus(400).withBody("x".repeat(5000))));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        String excerpt = attempt(runOf(event), 1, "response_excerpt");
        assertEquals(Excerpts.MAX + 1, excerpt.length());
        assertTrue(excerpt.startsWith("xxx") && excerpt.endsWith("…"), excerpt.substring(excerpt.length() - 10));
        assertEquals("dev.switchboard.connect.ConnectorException", attempt(runOf(event), 1, "error_class"));
    }
}
