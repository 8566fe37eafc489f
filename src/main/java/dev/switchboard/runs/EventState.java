package dev.switchboard.runs;

/** Where an event is in its life: received onto the stream, then processed by its consumer. */
public enum EventState {
    RECEIVED,
    PROCESSED,
    /** No rule matched it. */
    IGNORED,
    FAILED
}
