package dev.switchboard.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/** The stream's consumer: a redelivered message changes nothing; an unreadable one is dead-lettered, not looped. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class StreamConsumerTest {

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionFactory connectionFactory;

    void publish(String envelope) {
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue(Stream.EVENTS), envelope);
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

        long acknowledged = Queues.acknowledged(Stream.EVENTS);
        publish(envelope);
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.acknowledged(Stream.EVENTS) > acknowledged);

        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", id));
        assertEquals(firstProcessedAt, processedAt(id), "the redelivery did not touch the event");
        assertEquals(1, HubState.count(dataSource,
                "select count(*) from idempotency_key where processor = 'stream' and key = ?", id.toString()));
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetters() {
        long dead = Queues.added(Stream.DEAD_LETTERS);
        long acknowledged = Queues.acknowledged(Stream.EVENTS);
        publish("this is not a CloudEvent");
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.added(Stream.DEAD_LETTERS) == dead + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Queues.acknowledged(Stream.EVENTS) == acknowledged + 1);
    }

    private String processedAt(UUID id) {
        return String.valueOf(HubState.count(dataSource,
                "select (extract(epoch from processed_at) * 1000000)::bigint from event where id = ?", id));
    }
}
