package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
 * Event values rendered into a port's url try to reach another host, port, scheme or path (and
 * take the port's credentials along): each is percent-encoded into its part of the url, and the
 * request goes to the configured host with the value inside the one path segment or query value.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class TemplatedUrlsCannotRedirectTest {

    static WireMockServer crm;
    static WireMockServer elsewhere;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeAll
    static void startServers() {
        crm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        crm.start();
        crm.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        elsewhere = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        elsewhere.start();
        elsewhere.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
    }

    @AfterAll
    static void stopServers() {
        crm.stop();
        elsewhere.stop();
    }

    @BeforeEach
    void bindings() {
        Workspace.bindPort("redirect-crm", Map.of("connector", "http",
                "url", "http://127.0.0.1:" + crm.port() + "/contacts/{{data.contact}}/tags?by={{data.by}}&mode=add",
                "auth", "basic", "username", "hub", "password", "crm-password", "retry.max-attempts", "1"));
        Workspace.writeRule("templated-urls.yaml", """
                rules:
                  - id: redirect-attempt
                    on: redirect.attempt.*
                    actions: [{id: tag, port: redirect-crm, body: '{"tag": "vip"}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    static String json(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    /** Posts an event with the given contact and "by" values; returns its run once it ended. */
    UUID attempt(String contact, String by) {
        UUID event = Events.post("redirect.attempt." + UUID.randomUUID(), "\"contact\": " + json(contact)
                + ", \"by\": " + json(by));
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        return Events.runOf(dataSource, event);
    }

    String state(UUID run) {
        return HubState.text(dataSource, "select state from action_run where id = ?", run);
    }

    @Test
    void valuesThatTryToChangeHostPortSchemeOrPathStayInsideTheirPart() {
        String elsewhereAuthority = "127.0.0.1:" + elsewhere.port();
        // value → the path segment the configured host must receive
        Map<String, String> attacks = Map.of(
                "evil.example/", "evil.example%2F",
                "@" + elsewhereAuthority, "%40127.0.0.1%3A" + elsewhere.port(),
                "..%2F..%2Fadmin?", "..%252F..%252Fadmin%3F",
                "%2F..%2Fadmin", "%252F..%252Fadmin",
                "x?by=thief&mode=remove#", "x%3Fby%3Dthief%26mode%3Dremove%23",
                "x\r\nHost: evil.example", "x%0D%0AHost%3A%20evil.example",
                "//" + elsewhereAuthority + "/steal", "%2F%2F127.0.0.1%3A" + elsewhere.port() + "%2Fsteal",
                "https://" + elsewhereAuthority, "https%3A%2F%2F127.0.0.1%3A" + elsewhere.port());
        attacks.forEach((value, segment) -> {
            String by = "ada?mode=remove&by=" + value;
            UUID run = attempt(value, by);
            List<LoggedRequest> received = crm.findAll(postRequestedFor(anyUrl())
                    .withHeader("Idempotency-Key", equalTo(run.toString())));
            assertEquals(1, received.size(), value + ": one request to the configured host, " + state(run));
            String url = received.get(0).getUrl();
            String query = "?by=" + encoded(by) + "&mode=add";
            assertEquals("/contacts/" + segment + "/tags" + query, url, value);
        });
        assertEquals(0, elsewhere.findAll(anyRequestedFor(anyUrl())).size(), "nothing reached the other server");
        assertEquals(0, crm.findAll(postRequestedFor(urlPathEqualTo("/admin"))).size());
        assertTrue(crm.findAll(postRequestedFor(anyUrl())).stream()
                .allMatch(request -> request.getUrl().startsWith("/contacts/")), "every request on the configured path");
        assertTrue(crm.findAll(postRequestedFor(anyUrl())).stream().allMatch(request -> request.getHeader("Authorization")
                != null), "credentials went only where configured");
    }

    /** What the hub must send for a query value: every byte but letters, digits and -._~ percent-encoded. */
    static String encoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            out.append(Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0 ? String.valueOf(c)
                    : String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    @Test
    void aPathValueThatIsEmptyOrClimbsWithADotSegmentFailsTheRunForGood() {
        for (String value : new String[] {"..", ".", "", "../../admin?", "a/../../admin", "..\\admin"}) {
            UUID run = attempt(value, "ada");
            assertEquals("DEAD", state(run), "'" + value + "'");
            assertEquals("1", HubState.text(dataSource, "select count(*)::text from action_attempt where run_id = ?", run),
                    "not retried");
            assertTrue(HubState.text(dataSource, "select last_error from action_run where id = ?", run)
                    .contains("which would change the path"), "'" + value + "'");
            assertEquals(0, crm.findAll(postRequestedFor(anyUrl()).withHeader("Idempotency-Key", equalTo(run.toString())))
                    .size(), "'" + value + "' sent nowhere");
        }
    }

    @Test
    void aBindingWithAPlaceholderInTheHostIsRejectedWhenItLoads() {
        Workspace.bindPort("redirect-host", Map.of("connector", "http", "url", "http://{{data.host}}/x"));
        try {
            List<String> problems = repository.reload().stream().map(Object::toString).toList();
            assertTrue(problems.stream().anyMatch(problem -> problem.contains("redirect-host")
                    && problem.contains("never in the scheme, host or port")), problems.toString());
        } finally {
            Workspace.unbindPort("redirect-host");
            assertEquals(List.of(), repository.reload());
        }
    }
}
