package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.RawHttp;

/**
 * The webhook bodies held at once share one budget ({@code switchboard.ingest.max-buffered}): a
 * request whose declared body does not fit is refused with 503 before it is read, and the bytes of
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
            // Senders announce 1 MB each (source events at its limit) and send it slowly, until
            // the whole budget is theirs.
            for (int i = 0; i < budgetInMb; i++) {
                RawHttp slow = RawHttp.open();
                slowSenders.add(slow);
                slow.postHead("/hooks/events", "Content-Type: application/json", "Content-Length: " + ONE_MB)
                        .write("{\"id\":".getBytes());
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == (double) budgetInMb * ONE_MB);

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
}
