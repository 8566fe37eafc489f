package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A port bound with {@code https://user:pass@host/path?token=abc} and a {@code token} setting,
 * whose downstream fails and echoes what it was sent: neither a viewer nor an operator sees the
 * password or the tokens, through the API, the dashboard, a failed attempt's stored error and
 * response, or the alert of the dead run.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class SecretsStaySecretTest {

    /** Distinct enough that no page holds them by chance. */
    static final String PASSWORD = "pass-9Qz7";
    static final String QUERY_TOKEN = "abc-4Kx2";
    static final String BEARER_TOKEN = "abc-bearer-7Wd1";
    static final List<String> SECRETS = List.of(PASSWORD, QUERY_TOKEN, BEARER_TOKEN);

    static WireMockServer downstream;
    static WireMockServer pager;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    static String url() {
        return "http://ada:" + PASSWORD + "@127.0.0.1:" + downstream.port() + "/path/deeper?token=" + QUERY_TOKEN;
    }

    @BeforeAll
    static void startServers() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
        pager = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        pager.start();
        pager.stubFor(post("/alerts").willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stopServers() {
        Workspace.unbindPort("alerts");
        Workspace.unbindPort("basic-hook");
        downstream.stop();
        pager.stop();
    }

    @BeforeEach
    void bindings() {
        // A downstream that fails, saying what it was sent: the URL and the bearer token.
        downstream.stubFor(post(urlPathEqualTo("/path/deeper")).willReturn(aResponse().withStatus(500)
                .withBody("cannot serve " + url() + " for Authorization: Bearer " + BEARER_TOKEN)));
        Workspace.bindPort("secret-hook", Map.of("connector", "http", "url", url(), "auth", "bearer",
                "token", BEARER_TOKEN, "retry.max-attempts", "1"));
        Workspace.bindPort("alerts", Map.of("connector", "http", "url", "http://127.0.0.1:" + pager.port() + "/alerts"));
        Workspace.writeRule("secrets.yaml", """
                rules:
                  - id: secret-hook
                    on: secrets.call
                    actions: [{id: call, port: secret-hook}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    static void assertNoSecret(String where, String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), where + " shows " + secret + ": " + text);
        }
    }

    static List<String> users() {
        return List.of(HubTestProfile.VIEWER, HubTestProfile.OPERATOR);
    }

    static String api(String user, String path) {
        return given().auth().preemptive().basic(user, HubTestProfile.PASSWORD).get(path).then().statusCode(200)
                .extract().asString();
    }

    static String page(String user, String path) {
        return given().auth().none().cookie("quarkus-credential", DashboardRolesTest.signIn(user)).get(path).then()
                .statusCode(200).extract().asString();
    }

    @Test
    void theBindingIsShownWithoutItsCredentialsOrQueryToAnyRole() {
        for (String user : users()) {
            String rules = api(user, "/api/rules");
            assertNoSecret(user + " on /api/rules", rules);
            assertTrue(rules.contains("\"url\":\"http://***@127.0.0.1:" + downstream.port() + "/path/***?***\""), rules);
            assertTrue(rules.contains("\"token\":\"***\""), rules);
            String page = page(user, "/ui/rules");
            assertNoSecret(user + " on /ui/rules", page);
            assertTrue(page.contains("url=http://***@127.0.0.1:" + downstream.port() + "/path/***?***"), page);
        }
    }

    @Test
    void aFailedAttemptsStoredErrorResponseAndAlertHoldNoSecret() {
        UUID event = Events.post("secrets.call", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        UUID run = Events.runOf(dataSource, event);

        // The secrets were sent where they belong.
        List<LoggedRequest> sent = downstream.findAll(postRequestedFor(urlEqualTo("/path/deeper?token=" + QUERY_TOKEN))
                .withHeader("Authorization", equalTo("Bearer " + BEARER_TOKEN))
                .withHeader("Idempotency-Key", equalTo(run.toString())));
        assertEquals(1, sent.size());

        String error = HubState.text(dataSource, "select error_message from action_attempt where run_id = ?", run);
        assertEquals("HTTP 500 from http://***@127.0.0.1:" + downstream.port() + "/path/***?***", error);
        assertNoSecret("the attempt's response", HubState.text(dataSource,
                "select response_excerpt from action_attempt where run_id = ?", run));
        assertNoSecret("the run's last error", HubState.text(dataSource,
                "select last_error from action_run where id = ?", run));

        // The dead run's alert: kept as an incident, sent through the alerts port.
        String incident = "run-dead:" + run;
        await().atMost(Duration.ofSeconds(20)).until(() -> api(HubTestProfile.VIEWER, "/api/incidents").contains(incident));
        await().atMost(Duration.ofSeconds(20)).until(() -> pager.findAll(postRequestedFor(urlEqualTo("/alerts")))
                .stream().anyMatch(alert -> alert.getBodyAsString().contains(incident)));
        List<String> alerts = new ArrayList<>();
        pager.findAll(postRequestedFor(urlEqualTo("/alerts"))).stream()
                .filter(alert -> alert.getBodyAsString().contains(incident))
                .forEach(alert -> alerts.add(alert.getBodyAsString()));
        assertTrue(alerts.get(0).contains("HTTP 500 from http://***@127.0.0.1"), alerts.get(0));
        alerts.forEach(alert -> assertNoSecret("the alert sent", alert));

        // Tests share the hub: only what belongs to this run is looked at on the shared pages.
        for (String user : users()) {
            assertNoSecret(user + " on /api/runs/" + run, api(user, "/api/runs/" + run));
            assertNoSecret(user + " on /api/events/" + event, api(user, "/api/events/" + event));
            String detail = given().auth().preemptive().basic(user, HubTestProfile.PASSWORD).get("/api/incidents")
                    .then().statusCode(200).extract().jsonPath()
                    .getString("find { it.incident == '" + incident + "' }.detail");
            assertTrue(detail.contains("HTTP 500 from http://***@127.0.0.1"), detail);
            assertNoSecret(user + " on /api/incidents", detail);
            assertNoSecret(user + " on /ui/events/" + event, page(user, "/ui/events/" + event));
            assertNoSecret(user + " on /ui/dead", DashboardHealthTest.row(page(user, "/ui/dead"), "dead-" + run));
            assertNoSecret(user + " on /ui", DashboardHealthTest.row(page(user, "/ui"), "port-secret-hook"));
        }
    }

    @Test
    void aBasicAuthorizationEchoedByTheDownstreamIsNotStoredWithItsResponse() {
        // The header as the connector sends it: no setting holds its base64 as such.
        String basic = java.util.Base64.getEncoder().encodeToString(("ada:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        downstream.stubFor(post(urlPathEqualTo("/basic")).willReturn(aResponse().withStatus(500)
                .withBody("refused: you sent Authorization: Basic " + basic)));
        Workspace.bindPort("basic-hook", Map.of("connector", "http", "url", "http://127.0.0.1:" + downstream.port() + "/basic",
                "auth", "basic", "username", "ada", "password", PASSWORD, "retry.max-attempts", "1"));
        Workspace.writeRule("secrets-basic.yaml", """
                rules:
                  - id: secret-basic
                    on: secrets.basic
                    actions: [{id: call, port: basic-hook}]
                """);
        try {
            assertEquals(List.of(), repository.reload());
            UUID event = Events.post("secrets.basic", "");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
            UUID run = Events.runOf(dataSource, event);
            assertEquals(1, downstream.findAll(postRequestedFor(urlEqualTo("/basic"))
                    .withHeader("Authorization", equalTo("Basic " + basic))).size());

            String response = HubState.text(dataSource, "select response_excerpt from action_attempt where run_id = ?", run);
            assertEquals("refused: you sent Authorization: ***", response);
            for (String user : users()) {
                String shown = api(user, "/api/runs/" + run);
                assertFalse(shown.contains(basic), user + " on /api/runs/" + run + ": " + shown);
            }
        } finally {
            Workspace.deleteRule("secrets-basic.yaml");
        }
    }
}
