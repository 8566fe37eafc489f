package dev.switchboard.ingest;

import static dev.switchboard.support.HubTestProfile.GITHUB_SECRET;
import static dev.switchboard.support.HubTestProfile.GITHUB_SECRET_OLD;
import static dev.switchboard.support.HubTestProfile.STANDARD_SECRET;
import static dev.switchboard.support.HubTestProfile.STANDARD_SECRET_NEXT;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;

/** Each signature scheme over real HTTP: valid, tampered body, wrong secret, rotated secret, stale timestamp. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class WebhookSignaturesTest {

    /** Sends the UTF-8 bytes of the body, the bytes every test signs. */
    static ValidatableResponse post(String source, String contentType, Map<String, String> headers, String body) {
        return given().contentType(contentType).headers(headers).body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/hooks/" + source).then();
    }

    static void accepted(ValidatableResponse response) {
        response.statusCode(202).body("status", equalTo("accepted"));
    }

    static void refused(ValidatableResponse response, String reason) {
        response.statusCode(401).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:switchboard:problem:" + reason))
                .body("status", equalTo(401));
    }

    static String order() {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"shop.order.created\",\"total\":12}";
    }

    /**
     * JSON whose bytes no serializer would produce (odd whitespace, key order, a trailing newline)
     * and multi-byte UTF-8: a verifier that re-encodes the parsed body or decodes it with another
     * charset sees different bytes and refuses it; one that uses the raw bytes accepts it.
     */
    static String irregularOrder() {
        return "{  \"total\" :12,\n\t\"type\":\"shop.order.created\" ,\"city\":\"Zürich ✓\",\r\n  \"id\": \""
                + UUID.randomUUID() + "\"}\n";
    }

    @Nested
    class HmacSha256 {

        ValidatableResponse send(String secret, String signedBody, String sentBody) {
            return post("hmac", "application/json",
                    Map.of("X-Signature", "sha256=" + Signing.hmacHex(secret, signedBody)), sentBody);
        }

        @Test
        void valid() {
            String body = order();
            accepted(send("new-secret", body, body));
        }

        @Test
        void tamperedBody() {
            String body = order();
            refused(send("new-secret", body, body.replace("12", "13")), "bad-signature");
        }

        @Test
        void wrongSecret() {
            String body = order();
            refused(send("not-the-secret", body, body), "bad-signature");
        }

        @Test
        void rotatedSecretStillAccepted() {
            String body = order();
            accepted(send("old-secret", body, body));
        }

        @Test
        void missingSignature() {
            refused(post("hmac", "application/json", Map.of(), order()), "bad-signature");
        }

        @Test
        void verifiedOnTheRawBytes() {
            String body = irregularOrder();
            accepted(send("new-secret", body, body));
        }
    }

    @Nested
    class GitHub {

        /** From docs.github.com, "Validating webhook deliveries". */
        static final String PAYLOAD = "Hello, World!";
        static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        ValidatableResponse send(String signature, String body) {
            return post("github", "text/plain", Map.of("X-Hub-Signature-256", signature,
                    "X-GitHub-Event", "ping", "X-GitHub-Delivery", UUID.randomUUID().toString()), body);
        }

        @Test
        void publishedTestVector() {
            accepted(send(SIGNATURE, PAYLOAD));
        }

        @Test
        void tamperedBody() {
            refused(send(SIGNATURE, "Hello, World?"), "bad-signature");
        }

        @Test
        void wrongSecret() {
            refused(send("sha256=" + Signing.hmacHex("another secret", PAYLOAD), PAYLOAD), "bad-signature");
        }

        @Test
        void rotatedSecretStillAccepted() {
            String body = "payload " + UUID.randomUUID();
            accepted(send("sha256=" + Signing.hmacHex(GITHUB_SECRET_OLD, body), body));
        }

        @Test
        void signedWithTheSecret() {
            String body = "payload " + UUID.randomUUID();
            accepted(send("sha256=" + Signing.hmacHex(GITHUB_SECRET, body), body));
        }

        /** Headers come from the request's headers, never from its query (where proxies log them). */
        @Test
        void aSignatureInTheQueryIsNoSignature() {
            String body = "payload " + UUID.randomUUID();
            refused(given().contentType("text/plain").queryParam("X-Hub-Signature-256", "sha256="
                    + Signing.hmacHex(GITHUB_SECRET, body)).queryParam("X-GitHub-Event", "ping")
                    .queryParam("X-GitHub-Delivery", UUID.randomUUID().toString())
                    .body(body.getBytes(StandardCharsets.UTF_8)).post("/hooks/github").then(), "bad-signature");
            // A header and a query parameter of one name: the header is read.
            given().contentType("text/plain").header("X-Hub-Signature-256", "sha256=" + Signing.hmacHex(GITHUB_SECRET, body))
                    .header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "from-the-header-" + UUID.randomUUID())
                    .queryParam("X-GitHub-Delivery", "from-the-query").body(body.getBytes(StandardCharsets.UTF_8))
                    .post("/hooks/github").then().statusCode(202)
                    .body("deliveryId", org.hamcrest.Matchers.startsWith("from-the-header-"));
        }
    }

    @Nested
    class Stripe {

        ValidatableResponse send(String secret, long timestamp, String signedBody, String sentBody) {
            return post("stripe", "application/json",
                    Map.of("Stripe-Signature", Signing.stripeHeader(secret, timestamp, signedBody)), sentBody);
        }

        static String event() {
            return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"invoice.paid\",\"data\":{\"object\":{}}}";
        }

        long now() {
            return Instant.now().getEpochSecond();
        }

        @Test
        void valid() {
            String body = event();
            accepted(send("whsec_stripe_new", now(), body, body));
        }

        @Test
        void tamperedBody() {
            String body = event();
            refused(send("whsec_stripe_new", now(), body, body.replace("invoice", "charge")), "bad-signature");
        }

        @Test
        void wrongSecret() {
            String body = event();
            refused(send("whsec_other", now(), body, body), "bad-signature");
        }

        @Test
        void rotatedSecretStillAccepted() {
            String body = event();
            accepted(send("whsec_stripe_old", now(), body, body));
        }

        @Test
        void staleTimestamp() {
            String body = event();
            refused(send("whsec_stripe_new", now() - 600, body, body), "stale-timestamp");
        }

        /** A number of seconds no clock reaches is a refused signature, not a 500. */
        @Test
        void aTimestampBeyondAnyInstantIsRefusedNotAnError() {
            String body = event();
            refused(post("stripe", "application/json", Map.of("Stripe-Signature", "t=99999999999999999,v1=00"), body),
                    "bad-signature");
        }
    }

    @Nested
    class StandardWebhooks {

        ValidatableResponse send(String secret, long timestamp, String signedBody, String sentBody) throws Exception {
            String id = "msg_" + UUID.randomUUID();
            String signature = new Webhook(secret).sign(id, timestamp, signedBody);
            return post("standard", "application/json", Map.of("webhook-id", id,
                    "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature), sentBody);
        }

        static final String BODY = "{\"type\":\"contact.created\",\"data\":{\"email\":\"ada@example.com\"}}";

        long now() {
            return Instant.now().getEpochSecond();
        }

        @Test
        void valid() throws Exception {
            accepted(send(STANDARD_SECRET, now(), BODY, BODY));
        }

        @Test
        void tamperedBody() throws Exception {
            refused(send(STANDARD_SECRET, now(), BODY, BODY.replace("ada", "eve")), "bad-signature");
        }

        @Test
        void wrongSecret() throws Exception {
            refused(send("whsec_d3Jvbmcta2V5LWZvci10ZXN0cw==", now(), BODY, BODY), "bad-signature");
        }

        @Test
        void rotatedSecretStillAccepted() throws Exception {
            accepted(send(STANDARD_SECRET_NEXT, now(), BODY, BODY));
        }

        @Test
        void staleTimestamp() throws Exception {
            refused(send(STANDARD_SECRET, now() - 600, BODY, BODY), "stale-timestamp");
        }

        /** A number of seconds no clock reaches is a refused signature, not a 500. */
        @Test
        void aTimestampBeyondAnyInstantIsRefusedNotAnError() {
            refused(post("standard", "application/json", Map.of("webhook-id", "msg_" + UUID.randomUUID(),
                    "webhook-timestamp", "99999999999999999", "webhook-signature", "v1,AAAA"), BODY), "bad-signature");
        }

        @Test
        void verifiedOnTheRawBytes() throws Exception {
            String body = irregularOrder();
            accepted(send(STANDARD_SECRET, now(), body, body));
        }
    }
}
