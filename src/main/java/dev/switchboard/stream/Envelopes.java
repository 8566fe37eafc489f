package dev.switchboard.stream;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;

/** The wire form of the stream: CloudEvents 1.0 in structured JSON mode. */
public final class Envelopes {

    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;
    /** Extension attribute carrying the sender's delivery id (webhook-id, X-GitHub-Delivery, ...). */
    public static final String DELIVERY_ID = "deliveryid";

    private static final EventFormat FORMAT = new JsonFormat();

    private Envelopes() {
    }

    public static byte[] serialize(CloudEvent event) {
        return FORMAT.serialize(event);
    }

    public static CloudEvent deserialize(byte[] envelope) {
        try {
            return FORMAT.deserialize(envelope);
        } catch (EventDeserializationException | IllegalArgumentException | IllegalStateException e) {
            throw new UnreadableEnvelopeException(e.getMessage(), e);
        }
    }

    /** A stream message that is not a CloudEvent: it is parked, never loops. */
    public static class UnreadableEnvelopeException extends RuntimeException {
        public UnreadableEnvelopeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
