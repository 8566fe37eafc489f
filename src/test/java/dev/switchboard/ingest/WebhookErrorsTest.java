package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;

/** Every refusal is a specific application/problem+json document, never a stack trace. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class WebhookErrorsTest {

    static ValidatableResponse problem(ValidatableResponse response, int status, String reason, String title) {
        return response.statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status))
                .body("type", equalTo("urn:switchboard:problem:" + reason))
                .body("title", equalTo(title))
                .body("detail", not(containsString("Exception")))
                .body(not(containsString("\tat ")));
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
                .body(body).post("/hooks/stripe").then(), 401, "stale-timestamp", "Timestamp outside tolerance");
    }

    @Test
    void bodyOverTheSourceLimitIs413() {
        String big = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"t\",\"pad\":\"" + "x".repeat(2000) + "\"}";
        problem(signedPost("application/json", big), 413, "body-too-large", "Body too large")
                .body("detail", containsString("1024"));
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
