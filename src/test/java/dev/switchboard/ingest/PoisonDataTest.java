package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/**
 * Data no retry can store is refused once, with its reason, never taken for an outage: a webhook
 * gets a 4xx (400 for an event type or id over the limit, 422 for what the database refuses), a
 * queue message is parked on its source's dead-letter address; nothing of either is kept.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class PoisonDataTest {

    @Inject
    DataSource dataSource;

    /** The hub's own connection factory, to send and to read the dead letters. */
    @Inject
    ConnectionFactory broker;

    @Test
    void anEventTypeOverTheLimitIsA400NamingTheLimit() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("{\"id\":\"" + id + "\",\"type\":\"" + "t".repeat(3000) + "\"}")
                .post("/hooks/events").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("In this request the event type has 3000 bytes; at most 1024 are kept"));
        assertEquals(null, HubState.eventState(dataSource, IncomingEvent.eventId("events", id)));
    }

    @Test
    void anEventIdOverTheLimitIsA400Too() {
        given().contentType("application/json").body("{\"id\":\"" + "i".repeat(1025) + "\",\"type\":\"poison.id\"}")
                .post("/hooks/events").then().statusCode(400).body("detail", containsString("the delivery id has 1025 bytes"));
    }

    @Test
    void whatTheDatabaseRefusesIsA422AndNothingIsKept() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("{\"id\":\"" + id + "\",\"type\":\"poison.nul\",\"x\":\"a\\u0000b\"}")
                .post("/hooks/events").then().statusCode(422).contentType(Problem.MEDIA_TYPE);
        assertEquals(null, HubState.eventState(dataSource, IncomingEvent.eventId("events", id)));
        // The same delivery again: refused again, not remembered as accepted.
        given().contentType("application/json").body("{\"id\":\"" + id + "\",\"type\":\"poison.nul\",\"x\":\"a\\u0000b\"}")
                .post("/hooks/events").then().statusCode(422);
    }

    @Test
    void aQueueMessageWithATypeOverTheLimitIsParkedOnceWithItsReason() throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + marker + "\",\"type\":\"" + "q".repeat(2000) + "\"}";
        long parked = Queues.added("test.queue.json.parked");
        try (JMSContext context = broker.createContext()) {
            context.createProducer().send(context.createQueue("test.queue.json"), body);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.added("test.queue.json.parked") > parked);
        try (JMSContext context = broker.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue("test.queue.json.parked"))) {
            Message letter;
            while ((letter = consumer.receive(5000)) != null && !body.equals(letter.getBody(String.class))) {
                // another test's letter
            }
            assertTrue(letter != null, "parked");
            assertEquals("the event type has 2000 bytes; at most 1024 are kept", letter.getStringProperty(ExchangeKeys.PARKED_REASON));
            // Once: parked and acknowledged, not rolled back onto the source to be parked again.
            Message again;
            while ((again = consumer.receive(2500)) != null) {
                assertNotEquals(body, again.getBody(String.class), "parked a second time");
            }
        }
        assertEquals(null, HubState.eventState(dataSource, IncomingEvent.eventId("queue-json", marker)));
    }
}
