package dev.switchboard.stream;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.cloudevents.CloudEvent;

/**
 * An event on its way onto the stream: its CloudEvent and the key of the delivery that brought it.
 * The event id is derived from (source, delivery id), so every redelivery of one delivery names
 * the same event, whichever replica takes it.
 */
public record IncomingEvent(CloudEvent cloudEvent, String deliveryKey) {

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
