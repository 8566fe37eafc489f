package dev.switchboard.stream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;

import dev.switchboard.core.Tracing;

/**
 * An event on its way onto the stream: its CloudEvent and the key of the delivery that brought it.
 * The event id is derived from (source, delivery id), so every redelivery of one delivery names
 * the same event, whichever replica takes it.
 */
public record IncomingEvent(CloudEvent cloudEvent, String deliveryKey) {

    /** The event of one delivery from a source: JSON data when {@code json} is given, else the raw bytes. */
    public static IncomingEvent of(String source, String deliveryId, String type, OffsetDateTime time, JsonNode json,
            byte[] body, String contentType) {
        return of(source, deliveryId, type, time, null, json, body, contentType);
    }

    /**
     * The one place the hub builds a CloudEvent (webhooks, queue sources, routes, captured changes,
     * alerts): as {@link #of(String, String, String, OffsetDateTime, JsonNode, byte[], String)},
     * with a {@code subject} when not null. The span under way (its acceptance's) goes on the event
     * as its {@code traceparent}, so that everything done for the event joins that trace.
     */
    public static IncomingEvent of(String source, String deliveryId, String type, OffsetDateTime time, String subject,
            JsonNode json, byte[] body, String contentType) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(eventId(source, deliveryId).toString())
                .withSource(URI.create(source))
                .withType(type)
                .withTime(time)
                .withExtension(Envelopes.DELIVERY_ID, deliveryId);
        if (subject != null) {
            builder.withSubject(subject);
        }
        Tracing.current().ifPresent(traceparent -> builder.withExtension(Tracing.TRACEPARENT, traceparent));
        CloudEvent event = json != null
                ? builder.withDataContentType("application/json").withData(JsonCloudEventData.wrap(json)).build()
                : builder.withDataContentType(contentType).withData(body).build();
        return new IncomingEvent(event, deliveryKey(source, deliveryId));
    }

    /**
     * The most bytes (UTF-8) an event type or delivery id may have: both are indexed, and an index
     * entry past PostgreSQL's limit (2,704 bytes) would refuse the event at the database instead.
     */
    public static final int MAX_FIELD_BYTES = 1024;

    /** Why the value cannot be an event's type or delivery id, or empty when it can. */
    public static Optional<String> overLimit(String what, String value) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        return bytes <= MAX_FIELD_BYTES ? Optional.empty()
                : Optional.of("the " + what + " has " + bytes + " bytes; at most " + MAX_FIELD_BYTES + " are kept");
    }

    /** The delivery id of a delivery that names none: a digest of its bytes, so an identical repeat is a duplicate. */
    public static String digestId(byte[] body) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    public static UUID eventId(String source, String deliveryId) {
        return UUID.nameUUIDFromBytes((source + '\n' + deliveryId).getBytes(StandardCharsets.UTF_8));
    }

    public static String deliveryKey(String source, String deliveryId) {
        return source + ':' + deliveryId;
    }

    public String id() {
        return cloudEvent.getId();
    }
}
