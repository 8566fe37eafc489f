package dev.switchboard.stream;

/** Names of the central stream: one persistent Artemis address, consumed competitively. */
public final class StreamAddresses {

    /** The anycast address (and queue) every accepted event is published to, as a CloudEvent. */
    public static final String EVENTS = "switchboard.events";

    /** Where a message that cannot be read as a CloudEvent goes, with the reason in a property. */
    public static final String DEAD_LETTERS = "switchboard.dead";

    /** The message property of every dead letter, here or on a queue source's own address: why. */
    public static final String DEAD_REASON = "SwitchboardDeadReason";

    /** Route endpoint that records an incoming event and publishes it, exactly once per delivery. */
    public static final String ACCEPT = "direct:switchboard-accept";

    private StreamAddresses() {
    }
}
