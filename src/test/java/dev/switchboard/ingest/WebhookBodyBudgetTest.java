package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.RawHttp;

/**
 * The webhook bodies held at once share one budget ({@code switchboard.ingest.max-buffered}),
 * counted as bytes arrive, not as announced: a request that does not fit is refused with 503, a body
 * that does not arrive within {@code switchboard.ingest.body-timeout} with 408, and the bytes of
 * requests that end, however they end, are given back.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class WebhookBodyBudgetTest {

    static final int ONE_MB = 1 << 20;

    @Test
    void aBodyOverTheSharedBudgetIsRefusedUntilHeldBodiesEnd() throws Exception {
        int budgetInMb = (int) (HubTestProfile.MAX_BUFFERED / ONE_MB);
        double refusedBefore = HubState.metric(IngestAdmissionTest.OVERLOADED);
        List<RawHttp> slowSenders = new ArrayList<>();
        try {
            // Senders announce 1 MB each (source events at its limit) and send all of it but its
            // last byte, until the whole budget is theirs.
            byte[] allButOne = new byte[ONE_MB - 1];
            Arrays.fill(allButOne, (byte) ' ');
            for (int i = 0; i < budgetInMb; i++) {
                RawHttp slow = RawHttp.open();
                slowSenders.add(slow);
                slow.postHead("/hooks/events", "Content-Type: application/json", "Content-Length: " + ONE_MB)
                        .write(allButOne);
            }
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == (double) budgetInMb * (ONE_MB - 1));

            try (RawHttp oneMore = RawHttp.open()) {
                RawHttp.Response response = oneMore.postHead("/hooks/events", "Content-Type: application/json",
                        "Content-Length: 100").read();
                WebhookBodyLimitsTest.assertProblem(response, 503, "overloaded", "switchboard.ingest.max-buffered");
                assertEquals(WebhookRoute.RETRY_AFTER_SECONDS, response.header("Retry-After"));
                assertTrue(oneMore.closedByHub(), "the hub closes the connection rather than read the body");
            }
            assertEquals(refusedBefore + 1, HubState.metric(IngestAdmissionTest.OVERLOADED), "the refusal is counted");
        } finally {
            for (RawHttp slow : slowSenders) {
                slow.close();
            }
        }
        // The slow senders hung up: their bytes are given back, and the next request fits.
        await().atMost(Duration.ofSeconds(5)).until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == 0);
        given().contentType("application/json").body(WebhookBodyLimitsTest.order()).post("/hooks/events")
                .then().statusCode(202);
    }

    @Test
    void sendersThatAnnounceBodiesAndSendNothingHoldOnlyTheirFirstBuffers() throws Exception {
        // Twice the budget announced: reserved as announced, the second half would have been refused
        // and every webhook after them too, for as long as the senders kept their connections.
        int senders = 2 * (int) (HubTestProfile.MAX_BUFFERED / ONE_MB);
        List<RawHttp> idle = new ArrayList<>();
        try {
            for (int i = 0; i < senders; i++) {
                RawHttp sender = RawHttp.open();
                idle.add(sender);
                sender.postHead("/hooks/events", "Content-Type: application/json", "Content-Length: " + ONE_MB)
                        .write("{\"id\":".getBytes());
            }
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == senders * 65_536.0);
            given().contentType("application/json").body(WebhookBodyLimitsTest.order()).post("/hooks/events")
                    .then().statusCode(202);
        } finally {
            for (RawHttp sender : idle) {
                sender.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == 0);
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheBodyTimeoutIsRefusedWith408AndItsBytesGivenBack() throws Exception {
        try (RawHttp trickling = RawHttp.open()) {
            long started = System.nanoTime();
            trickling.postHead("/hooks/events", "Content-Type: application/json", "Transfer-Encoding: chunked")
                    .chunk("{\"id\":".getBytes());
            RawHttp.Response response = trickling.read();
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            WebhookBodyLimitsTest.assertProblem(response, 408, "body-timeout",
                    "did not arrive whole within 5s (6 bytes read)");
            assertTrue(waited.compareTo(HubTestProfile.BODY_TIMEOUT) >= 0 && waited.toSeconds() < 15, waited.toString());
            assertTrue(trickling.closedByHub(), "the hub closes the connection");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == 0);
    }
}
