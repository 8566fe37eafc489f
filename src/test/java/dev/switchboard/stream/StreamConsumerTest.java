package dev.switchboard.stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.Json;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/**
 * The stream: events travel as CloudEvents 1.0; a redelivered message changes nothing; an
 * unreadable one is dead-lettered, not looped.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class StreamConsumerTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionFactory connectionFactory;

    @Inject
    MeterRegistry registry;

    void publish(String envelope) {
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), envelope);
        }
    }

    @Test
    void aRedeliveredMessageChangesNothing() {
        UUID id = IncomingEvent.eventId("open", UUID.randomUUID().toString());
        CloudEvent event = CloudEventBuilder.v1().withId(id.toString()).withSource(URI.create("open"))
                .withType("test.open").withTime(OffsetDateTime.now())
                .withDataContentType("application/json").withData("{\"n\":1}".getBytes(StandardCharsets.UTF_8))
                .build();
        String envelope = new String(Envelopes.serialize(event), StandardCharsets.UTF_8);

        publish(envelope);
        // consumed: no rule takes test.open, so the event ends IGNORED
        await().atMost(Duration.ofSeconds(20)).until(() -> "IGNORED".equals(HubState.eventState(dataSource, id)));
        String firstProcessedAt = processedAt(id);

        // Seen by the consumer once it counts a duplicate (only this test redelivers while it runs), not
        // once any stream message is acknowledged.
        double duplicates = HubState.metric("switchboard_stream_duplicates_total");
        publish(envelope);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.metric("switchboard_stream_duplicates_total") > duplicates);

        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", id));
        assertEquals(firstProcessedAt, processedAt(id), "the redelivery did not touch the event");
        assertEquals(1, HubState.count(dataSource,
                "select count(*) from idempotency_key where processor = 'stream' and key = ?", id.toString()));
    }

    /**
     * The envelope recorded for a webhook is the text published on the stream (both are the one
     * serialization made at acceptance): a CloudEvents 1.0 structured JSON event carrying the
     * posted JSON as its data.
     */
    @Test
    void aWebhookTravelsAsACloudEvents10Envelope() throws Exception {
        String deliveryId = UUID.randomUUID().toString();
        String posted = "{\"id\":\"" + deliveryId + "\",\"type\":\"test.envelope\",\"city\":\"Zürich\",\"n\":[1,2.5,null]}";
        OffsetDateTime sent = OffsetDateTime.now();
        given().contentType("application/json").body(posted.getBytes(StandardCharsets.UTF_8))
                .post("/hooks/events").then().statusCode(202);
        UUID id = IncomingEvent.eventId("events", deliveryId);
        Events.awaitOutcome(dataSource, id);

        String detail = given().get("/api/events/" + id).then().statusCode(200).extract().asString();
        JsonNode envelope = JSON.readTree(detail).get("envelope");
        assertEquals("1.0", envelope.path("specversion").asText(), envelope.toString());
        assertEquals(id.toString(), envelope.path("id").asText());
        assertEquals("events", envelope.path("source").asText());
        assertEquals("test.envelope", envelope.path("type").asText());
        assertEquals("application/json", envelope.path("datacontenttype").asText());
        assertEquals(deliveryId, envelope.path(Envelopes.DELIVERY_ID).asText());
        OffsetDateTime time = OffsetDateTime.parse(envelope.path("time").asText());
        assertTrue(!time.isBefore(sent.minusSeconds(1)) && !time.isAfter(OffsetDateTime.now()), time.toString());
        assertEquals(JSON.readTree(posted), envelope.path("data"), "the posted JSON is the event's data");
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetters() {
        long dead = Queues.added(StreamAddresses.PARKED);
        long acknowledged = Queues.acknowledged(StreamAddresses.EVENTS);
        publish("this is not a CloudEvent");
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.added(StreamAddresses.PARKED) == dead + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Queues.acknowledged(StreamAddresses.EVENTS) >= acknowledged + 1);
    }

    /**
     * Only the hub publishes to the stream, but a foreign publisher on a shared broker can: a
     * CloudEvent whose id is no event id, or whose data is not the JSON its content type says, is
     * parked with its reason, not rolled back for ever with its batch, and its neighbours go on.
     */
    @Test
    void aCloudEventTheHubCouldNotHaveWrittenIsParkedWithItsReasonAndItsNeighboursGoOn() {
        long parked = Queues.added(StreamAddresses.PARKED);
        double counted = registry.counter("switchboard.stream.parked", "reason", "unreadable").count();
        UUID neighbour = IncomingEvent.eventId("open", UUID.randomUUID().toString());
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            var producer = context.createProducer();
            var stream = context.createQueue(StreamAddresses.EVENTS);
            producer.send(stream, envelope("order-1", "{\"n\":1}"));
            // As data_base64, which a JSON content type cannot have inline.
            producer.send(stream, """
                    {"specversion":"1.0","id":"%s","source":"open","type":"test.foreign",
                     "datacontenttype":"application/json","data_base64":"%s"}""".formatted(UUID.randomUUID(),
                    Base64.getEncoder().encodeToString("this is not JSON".getBytes(StandardCharsets.UTF_8))));
            producer.send(stream, envelope(neighbour.toString(), "{\"n\":2}"));
            // Committed together; the broker may still hand them to different consumers (it deals a
            // queue out round-robin), so whether they share a batch is left to it.
            context.commit();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "IGNORED".equals(HubState.eventState(dataSource, neighbour)));
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.added(StreamAddresses.PARKED) == parked + 2);
        String reasons = given().get("/api/parked/" + StreamAddresses.PARKED).then().statusCode(200).extract().asString();
        assertTrue(reasons.contains("the event id 'order-1' is not one the hub gives"), reasons);
        assertTrue(reasons.contains("not the JSON its content type says"), reasons);
        assertEquals(counted + 2, registry.counter("switchboard.stream.parked", "reason", "unreadable").count(),
                "counted by reason, as switchboard_stream_parked_total{reason=\"unreadable\"}");
    }

    private static String envelope(String id, String data) {
        return Events.envelope(id, "test.foreign", data);
    }

    private String processedAt(UUID id) {
        return String.valueOf(HubState.count(dataSource,
                "select (extract(epoch from processed_at) * 1000000)::bigint from event where id = ?", id));
    }
}
