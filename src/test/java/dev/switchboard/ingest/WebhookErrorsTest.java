package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;

/** Every refusal is a specific application/problem+json document, never a stack trace. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class WebhookErrorsTest {

    /** quarkus.http.limits.max-body-size, as packaged. */
    static final int HTTP_LIMIT = 16 << 20;

    @TestHTTPResource("/hooks/hmac")
    URI hmacHook;

    static ValidatableResponse problem(ValidatableResponse response, int status, String reason, String title) {
        return response.statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status))
                .body("type", equalTo("urn:switchboard:problem:" + reason))
                .body("title", equalTo(title))
                .body("detail", not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    /** For responses read without RestAssured, which cannot send what the tests below send. */
    static void assertProblem(int status, int statusGiven, String contentType, String body, String reason,
            String detail) {
        assertEquals(status, statusGiven, body);
        assertEquals(Problem.MEDIA_TYPE, contentType, body);
        JsonPath problem = JsonPath.from(body);
        assertEquals(status, problem.getInt("status"), body);
        assertEquals("urn:switchboard:problem:" + reason, problem.getString("type"), body);
        assertTrue(problem.getString("detail").contains(detail), body);
    }

    static ValidatableResponse signedPost(String contentType, String body) {
        return given().contentType(contentType)
                .header("X-Signature", "sha256=" + Signing.hmacHex("new-secret", body))
                .body(body).when().post("/hooks/hmac").then();
    }

    @Test
    void unknownSourceIs404() {
        problem(given().contentType("application/json").body("{}").post("/hooks/no-such-source").then(),
                404, "unknown-source", "Unknown source")
                .body("detail", containsString("no-such-source"))
                .body("instance", equalTo("/hooks/no-such-source"));
    }

    @Test
    void missingSignatureIs401() {
        problem(given().contentType("application/json").body("{\"id\":\"x\"}").post("/hooks/hmac").then(),
                401, "bad-signature", "Invalid signature")
                .body("detail", containsString("X-Signature"));
    }

    @Test
    void badSignatureIs401() {
        problem(given().contentType("application/json").header("X-Signature", "sha256=abcdef")
                .body("{\"id\":\"x\"}").post("/hooks/hmac").then(), 401, "bad-signature", "Invalid signature");
    }

    @Test
    void timestampOutsideToleranceIs401() {
        String body = "{\"id\":\"evt_stale\",\"type\":\"invoice.paid\"}";
        long anHourAgo = java.time.Instant.now().getEpochSecond() - 3600;
        problem(given().contentType("application/json")
                .header("Stripe-Signature", Signing.stripeHeader("whsec_stripe_new", anHourAgo, body))
                .body(body).post("/hooks/stripe").then(), 401, "stale-timestamp", "Timestamp outside tolerance")
                // The tolerance as it is configured (5m), not as Java prints a Duration (PT5M).
                .body("detail", containsString(" is more than 5m away from the receiver's clock"));
    }

    @Test
    void bodyOverTheSourceLimitIs413() {
        String big = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"t\",\"pad\":\"" + "x".repeat(2000) + "\"}";
        problem(signedPost("application/json", big), 413, "body-too-large", "Body too large")
                .body("detail", containsString("1024"));
    }

    /**
     * Judged on the declared length alone, before any of the body is read: the request below
     * sends none. (curl sends large bodies with Expect: 100-continue, and so never sends this one.)
     */
    @Test
    void bodyOverTheHttpLimitIs413BeforeItIsRead() throws Exception {
        try (Socket socket = new Socket(hmacHook.getHost(), hmacHook.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /hooks/hmac HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + (HTTP_LIMIT + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // The hub closes the connection after its answer rather than read the body.
            String[] response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .split("\r\n\r\n", 2);
            List<String> head = response[0].toLowerCase(Locale.ROOT).lines().toList();
            assertTrue(head.contains("connection: close"), response[0]);
            String contentType = head.stream().filter(line -> line.startsWith("content-type:"))
                    .map(line -> line.substring("content-type:".length()).trim()).findFirst().orElse("");
            assertProblem(413, Integer.parseInt(head.get(0).split(" ")[1]), contentType, response[1],
                    "body-too-large", "declared as " + (HTTP_LIMIT + 1) + " bytes");
        }
    }

    /**
     * Without a declared length the body is cut off at its source's limit while it is read, not at the HTTP
     * layer's; a sender that goes on sending still reads the answer before the connection is closed.
     */
    @Test
    void chunkedBodyOverTheSourceLimitIs413() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(hmacHook).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(new byte[HTTP_LIMIT + 1])))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(413, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), "body-too-large", "exceeds 1024 bytes, the most source 'hmac' accepts");
    }

    @Test
    void pathsUnderHooksThatNameNoSourceAre404() {
        for (String path : List.of("/hooks/a/b", "/hooks/", "/hooks/hmac/extra")) {
            problem(given().contentType("application/json").body("{}").post(path).then(), 404, "unknown-source",
                    "Unknown source").body("instance", equalTo(path)).body("detail", containsString(path));
        }
    }

    @Test
    void wrongContentTypeIs415() {
        problem(signedPost("text/plain", "{\"id\":\"x\",\"type\":\"t\"}"), 415, "unsupported-media-type",
                "Unsupported media type").body("detail", containsString("text/plain"));
    }

    @Test
    void malformedJsonIs400() {
        problem(signedPost("application/json", "{\"id\": \"x\", "), 400, "malformed-json", "Malformed JSON");
    }

    @Test
    void malformedJsonWithTrailingContentIs400() {
        String id = UUID.randomUUID().toString();
        problem(signedPost("application/json", "{\"id\":\"" + id + "\",\"type\":\"t\"} garbage"), 400,
                "malformed-json", "Malformed JSON").body("detail", containsString("content follows the JSON value"));
        problem(signedPost("application/json", "{\"id\":\"" + id + "\",\"type\":\"t\"}}"), 400,
                "malformed-json", "Malformed JSON").body("detail", containsString("content follows the JSON value"));
    }

    @Test
    void missingEventTypeIs400() {
        problem(signedPost("application/json", "{\"id\":\"" + UUID.randomUUID() + "\"}"), 400,
                "missing-event-type", "Event type not found");
    }

    @Test
    void wrongMethodIs405() {
        problem(given().get("/hooks/hmac").then(), 405, "method-not-allowed", "Method not allowed")
                .header("Allow", "POST");
    }

    @Test
    void refusalsAreCountedBySourceAndReason() {
        double before = dev.switchboard.support.HubState.metric(
                "switchboard_ingest_rejected_total{reason=\"malformed-json\",source=\"hmac\"}");
        signedPost("application/json", "not json").statusCode(400);
        double after = dev.switchboard.support.HubState.metric(
                "switchboard_ingest_rejected_total{reason=\"malformed-json\",source=\"hmac\"}");
        org.junit.jupiter.api.Assertions.assertEquals(before + 1, after);
    }
}
