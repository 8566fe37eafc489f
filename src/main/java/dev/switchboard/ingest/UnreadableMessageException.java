package dev.switchboard.ingest;

/**
 * A queue message that can never become an event as it stands (no event id, no type, a body that
 * is not the JSON its expressions read). It is parked on the source's parked address with this
 * message as the reason; it is not redelivered, since every redelivery would fail the same way.
 */
public class UnreadableMessageException extends RuntimeException {

    public UnreadableMessageException(String reason) {
        super(reason);
    }
}
