package dev.switchboard.ops.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * Requests the layers under the hub read differently from its guards, as a security pass sent
 * them: each is a 400 problem document before any guard, login or route reads it, changes nothing,
 * and writes no ERROR to the log.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class MalformedRequestsTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @TestHTTPResource("/")
    URL hub;

    /** Sent as written: RestAssured and most clients would encode or drop the ';'. */
    private HttpResponse<String> raw(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + HubTestProfile.PASSWORD).getBytes());
    }

    @Test
    void aPathWithParametersCannotSlipPastTheCrossSiteGuardAndChangesNothing() throws Exception {
        Workspace.bindPort("malformed-log", Map.of("connector", "log"));
        Workspace.writeRule("malformed.yaml", """
                rules:
                  - id: malformed-rule
                    on: malformed.*
                    actions: [{id: call, port: malformed-log, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
        UUID event = Events.post("malformed.call", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);

        try (CapturedLog log = CapturedLog.open()) {
            HttpResponse<String> answer = raw("POST", "/api;x/runs/discard?rule=malformed-rule", Map.of(
                    "Authorization", basic(HubTestProfile.OPERATOR), "Origin", "http://evil.example",
                    "Sec-Fetch-Site", "cross-site", "Content-Type", "application/x-www-form-urlencoded"));
            assertEquals(400, answer.statusCode(), answer.body());
            assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
            assertEquals(400, raw("POST", "/api%3Bx/runs/discard?rule=malformed-rule", Map.of(
                    "Authorization", basic(HubTestProfile.OPERATOR), "Content-Type", "text/plain")).statusCode());
            // Without credentials, the login challenge never saw it: answered, at once, with no stack trace logged.
            for (String path : List.of("/ui;x", "/api;x/runs", "/hooks;x/shop")) {
                assertEquals(400, raw("GET", path, Map.of()).statusCode(), path);
            }
            assertEquals(List.of(), log.errors());
        }
        assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where event_id = ?", event));
    }

    @Test
    void aNulInAFilterIsA400NotA500() {
        for (String path : List.of("/api/events?q=%00", "/api/runs?rule=%00", "/api/events/export?type=%00",
                "/ui/events?q=%00")) {
            given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD).urlEncodingEnabled(false)
                    .get(path).then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("urn:switchboard:problem:malformed-path"));
        }
    }

    @Test
    void aContentTypeWithAnUnclosedQuoteIsA400NotA500() throws Exception {
        try (CapturedLog log = CapturedLog.open()) {
            for (String path : List.of("/hooks/events", "/j_security_check")) {
                HttpResponse<String> answer = raw("POST", path, Map.of("Content-Type", "application/json;charset=\""));
                assertEquals(400, answer.statusCode(), path + ": " + answer.body());
            }
            assertEquals(List.of(), log.errors());
        }
        // A quoted parameter that is closed is read as ever.
        given().contentType("application/json; charset=\"utf-8\"").body("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"x\"}")
                .post("/hooks/events").then().statusCode(202);
    }
    @Test
    void aRawByteInThePathNoHostOrAnEscapedHostIsA400ProblemAnsweredAtOnceWithNothingLogged() throws Exception {
        try (CapturedLog log = CapturedLog.open()) {
            // Found by probing: no answer and a 200-line stack trace per request (672 MB of log in 20 s),
            // a 500, and no answer with a stack trace.
            assertEquals("HTTP/1.1 400", rawStatus("GET /ui/\u00ff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertEquals("HTTP/1.1 400", rawStatus("GET /hooks/\u00e9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertEquals("HTTP/1.0 400", rawStatus("GET /ui/ HTTP/1.0\r\n\r\n"));
            for (String host : List.of("%41", "x%zz", "evil%0d%0a", "a b", "x/y", "user@x")) {
                assertEquals("HTTP/1.1 400", rawStatus("GET /q/health/live HTTP/1.1\r\nHost: " + host + "\r\n\r\n"), host);
            }
            assertEquals(List.of(), log.errors());
        }
        // Hosts as they come are answered as ever.
        for (String host : List.of("127.0.0.1", "localhost:8080", "hub.example.com", "[::1]:443")) {
            assertEquals("HTTP/1.1 200", rawStatus("GET /q/health/live HTTP/1.1\r\nHost: " + host + "\r\n\r\n"), host);
        }
    }

    @Test
    void aSignInThatIsNotAFormIsA415NotA500() throws Exception {
        try (CapturedLog log = CapturedLog.open()) {
            for (String type : List.of("application/json", "text/plain")) {
                HttpResponse<String> answer = raw("POST", "/j_security_check", Map.of("Content-Type", type));
                assertEquals(415, answer.statusCode(), type + ": " + answer.body());
                assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
            }
            assertEquals(List.of(), log.errors());
        }
    }

    /** The status line the hub answers a request sent byte for byte (ISO-8859-1), within five seconds. */
    private String rawStatus(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(hub.getHost(), hub.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
            return line == null ? "(closed)" : line.substring(0, Math.min(12, line.length()));
        }
    }
}
