package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;
import dev.switchboard.support.Signing;

/** One delivery, however often and however concurrently it arrives, is one event and one stream message. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ExactlyOnceAcceptanceTest {

    static final String DUPLICATES = "switchboard_ingest_duplicate_total{source=\"hmac\"}";
    static final String ACCEPTED = "switchboard_ingest_accepted_total{source=\"hmac\"}";
    static final String RECEIVED = "switchboard_ingest_received_total{source=\"hmac\"}";
    static final String RECEIVED_ELSEWHERE = "switchboard_ingest_received_total{source=\"stripe\"}";

    @Inject
    DataSource dataSource;

    @Test
    void fiftyConcurrentCopiesOfOneDelivery() throws Exception {
        String deliveryId = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + deliveryId + "\",\"type\":\"shop.order.created\"}";
        String signature = "sha256=" + Signing.hmacHex("new-secret", body);
        UUID eventId = IncomingEvent.eventId("hmac", deliveryId);
        double duplicatesBefore = HubState.metric(DUPLICATES);
        double acceptedBefore = HubState.metric(ACCEPTED);
        double receivedBefore = HubState.metric(RECEIVED);
        double receivedElsewhereBefore = HubState.metric(RECEIVED_ELSEWHERE);
        long publishedBefore = Queues.added(StreamAddresses.EVENTS);

        Callable<Response> delivery = () -> given().contentType("application/json")
                .header("X-Signature", signature).body(body).post("/hooks/hmac");
        ExecutorService senders = Executors.newFixedThreadPool(50);
        List<Future<Response>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(senders.submit(delivery));
        }
        int accepted = 0;
        int duplicates = 0;
        for (Future<Response> future : responses) {
            Response response = future.get();
            assertEquals(eventId.toString(), response.jsonPath().getString("event"), response.asString());
            if (response.statusCode() == 202) {
                accepted++;
            } else if (response.statusCode() == 200) {
                duplicates++;
            }
        }
        senders.shutdown();

        assertEquals(1, accepted, "exactly one 202");
        assertEquals(49, duplicates, "every other copy answered 200 duplicate");
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", eventId));
        assertEquals(49, HubState.metric(DUPLICATES) - duplicatesBefore);
        assertEquals(1, HubState.metric(ACCEPTED) - acceptedBefore);
        assertEquals(50, HubState.metric(RECEIVED) - receivedBefore, "every copy received, duplicates too");
        assertEquals(0, HubState.metric(RECEIVED_ELSEWHERE) - receivedElsewhereBefore, "counted per source");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "IGNORED".equals(HubState.eventState(dataSource, eventId)));
        // A 202 is the outbox row committed; the relay puts it on the stream after, in its own
        // thread. Once the event is judged, its message has been.
        assertEquals(1, Queues.added(StreamAddresses.EVENTS) - publishedBefore, "one stream message");
    }

    @Test
    void missingEventIdFallsBackToAHashOfTheBody() {
        String body = "{\"type\":\"test.open\",\"n\":\"" + UUID.randomUUID() + "\"}";
        String first = given().contentType("application/json").body(body).post("/hooks/open")
                .then().statusCode(202).extract().path("deliveryId");
        given().contentType("application/json").body(body).post("/hooks/open")
                .then().statusCode(200).body("deliveryId", org.hamcrest.Matchers.equalTo(first));
        assertEquals(true, first.startsWith("sha256:"), first);
    }
}
