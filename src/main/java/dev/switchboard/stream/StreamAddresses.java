package dev.switchboard.stream;

/**
 * Names of the central stream (one persistent Artemis address, consumed competitively) and of the
 * addresses beside it. Each address carries one kind of message: <em>parked</em> are broker
 * messages the hub could not take in, <em>dead</em> are the letters of runs that ran out of
 * attempts.
 */
public final class StreamAddresses {

    /** Every address of the hub's starts with it; no source may read or park under it. */
    public static final String PREFIX = "switchboard.";

    /** The anycast address (and queue) every accepted event is published to, as a CloudEvent. */
    public static final String EVENTS = "switchboard.events";

    /**
     * Where a stream message that cannot be read as a CloudEvent is parked, with its reason in
     * {@code SwitchboardParkedReason}.
     */
    public static final String PARKED = "switchboard.parked";

    /**
     * Where a user route parks a message its error handler gave up on, with its reason in
     * {@code SwitchboardParkedReason} and the route's id.
     */
    public static final String ROUTES_PARKED = "switchboard.routes.parked";

    /** Where the letter (JSON) of every run that went DEAD is sent, for whatever watches it. */
    public static final String DEAD_RUNS = "switchboard.dead";

    /** Route endpoint that records an incoming event and publishes it, exactly once per delivery. */
    public static final String ACCEPT = "direct:switchboard-accept";

    private StreamAddresses() {
    }
}
