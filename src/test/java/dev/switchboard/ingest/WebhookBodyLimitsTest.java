package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.RawHttp;

/**
 * A webhook's body is judged against its source's {@code max-body} before or while it is read, never
 * after it was buffered whole; what cannot be accepted is refused without reading the rest of it.
 * (Source {@code hmac} accepts 1 KB; {@code events} the default 1 MB.)
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class WebhookBodyLimitsTest {

    static final String BUFFERED = "switchboard_ingest_buffered_bytes";

    @Test
    void aBodyDeclaredOverItsSourcesLimitIsRefusedBeforeItIsSent() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            RawHttp.Response response = hub.postHead("/hooks/hmac", "Content-Type: application/json",
                    "Content-Length: 2048").read();
            assertProblem(response, 413, "body-too-large", "declared as 2048 bytes; source 'hmac' accepts at most 1024");
            assertEquals("close", response.header("Connection"));
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the body");
        }
    }

    @Test
    void aChunkedBodyOverItsSourcesLimitIsCutOffWhileItStreamsAndItsConnectionClosed() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            hub.postHead("/hooks/hmac", "Content-Type: application/json", "Transfer-Encoding: chunked");
            for (int i = 0; i < 5; i++) {
                hub.chunk("x".repeat(256).getBytes(StandardCharsets.US_ASCII));
            }
            // 1280 bytes sent, the body not ended: the answer comes at the source's limit, not the HTTP layer's.
            RawHttp.Response response = hub.read();
            assertProblem(response, 413, "body-too-large", "exceeds 1024 bytes, the most source 'hmac' accepts");
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the rest");
        }
    }

    @Test
    void aBodyToAnUnknownSourceIsRefusedWithoutBeingRead() throws Exception {
        double before = HubState.metric("switchboard_ingest_rejected_total{reason=\"unknown-source\",source=\"(unknown)\"}");
        try (RawHttp hub = RawHttp.open()) {
            RawHttp.Response response = hub.postHead("/hooks/nope", "Content-Type: application/json",
                    "Content-Length: 10000000").write(new byte[2048]).read();
            assertProblem(response, 404, "unknown-source", "No webhook source named 'nope'");
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the body");
        }
        assertEquals(before + 1,
                HubState.metric("switchboard_ingest_rejected_total{reason=\"unknown-source\",source=\"(unknown)\"}"));
    }

    @Test
    void aRequestUnderEveryLimitIsAcceptedAndGivesItsBytesBack() throws Exception {
        given().contentType("application/json").body(order()).post("/hooks/events").then().statusCode(202);

        try (RawHttp hub = RawHttp.open()) {
            String body = order();
            hub.postHead("/hooks/events", "Content-Type: application/json", "Transfer-Encoding: chunked")
                    .chunk(body.substring(0, 10).getBytes(StandardCharsets.UTF_8))
                    .chunk(body.substring(10).getBytes(StandardCharsets.UTF_8))
                    .lastChunk();
            RawHttp.Response response = hub.read();
            assertEquals(202, response.status(), response.body());
            assertTrue(response.body().contains(id(body)), response.body());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> HubState.metric(BUFFERED) == 0);
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("\nswitchboard_ingest_queued 0.0\n"), "nothing waits for a worker thread");
    }

    static void assertProblem(RawHttp.Response response, int status, String reason, String detail) {
        WebhookErrorsTest.assertProblem(status, response.status(), response.header("Content-Type"), response.body(),
                reason, detail);
    }

    static String order() {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"test.bodies\"}";
    }

    static String id(String body) {
        return body.substring(7, 43);
    }
}
