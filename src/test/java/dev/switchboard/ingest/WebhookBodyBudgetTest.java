package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
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
@TestProfile(WebhookBodyBudgetTest.SmallBudget.class)
class WebhookBodyBudgetTest {

    /** Room for two bodies of source {@code events} at its limit (1 MB). */
    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(new HubTestProfile().getConfigOverrides());
            overrides.put("switchboard.ingest.max-buffered", "2M");
            return overrides;
        }
    }

    static final int ONE_MB = 1 << 20;

    @Test
    void aBodyOverTheSharedBudgetIsRefusedUntilHeldBodiesEnd() throws Exception {
        try (RawHttp first = RawHttp.open(); RawHttp second = RawHttp.open()) {
            // Two senders announce 1 MB each and send it slowly: the whole budget is theirs.
            for (RawHttp slow : new RawHttp[] { first, second }) {
                slow.postHead("/hooks/events", "Content-Type: application/json", "Content-Length: " + ONE_MB)
                        .write("{\"id\":".getBytes());
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == 2.0 * ONE_MB);

            try (RawHttp third = RawHttp.open()) {
                RawHttp.Response response = third.postHead("/hooks/events", "Content-Type: application/json",
                        "Content-Length: 100").read();
                WebhookBodyLimitsTest.assertProblem(response, 503, "overloaded", "switchboard.ingest.max-buffered");
                assertEquals(WebhookRoute.RETRY_AFTER_SECONDS, response.header("Retry-After"));
                assertTrue(third.closedByHub(), "the hub closes the connection rather than read the body");
            }
            assertEquals(1, HubState.metric(
                    "switchboard_ingest_rejected_total{reason=\"overloaded\",source=\"events\"}"), "the refusal is counted");
        }
        // The slow senders hung up: their bytes are given back, and the next request fits.
        await().atMost(Duration.ofSeconds(5)).until(() -> HubState.metric(WebhookBodyLimitsTest.BUFFERED) == 0);
        given().contentType("application/json").body(WebhookBodyLimitsTest.order()).post("/hooks/events")
                .then().statusCode(202);
    }
}
