package dev.switchboard.stream;

/**
 * Names of the central stream (one persistent Artemis address, consumed competitively) and of the
 * addresses beside it. Each address carries one kind of message: <em>parked</em> are broker
 * messages the hub could not take in, <em>dead</em> are the letters of runs that ran out of
 * attempts.
 */
public final class StreamAddresses {

    /** The stream's address and those beside it all start with it (external brokers match {@code switchboard.#}). */
    public static final String PREFIX = "switchboard.";

    /** Where the broker moves a message it gave up redelivering, unless an address says otherwise. */
    public static final String BROKER_DEAD_LETTERS = "DLQ";

    /** Where the broker moves a message that expired before it was read. */
    public static final String BROKER_EXPIRY = "ExpiryQueue";

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

    /** Route endpoint that records an incoming event, exactly once per delivery (runs.AcceptRoute); the relay publishes it. */
    public static final String ACCEPT = "direct:switchboard-accept";

    /**
     * Checks an address configured for a source or a port: not a wildcard, which the broker
     * matches against other addresses (a queue source's publisher admitted on {@code #} could send
     * to the stream), and not one of the hub's own, whose messages only the hub puts there.
     *
     * @param setting the setting's name, for the message
     * @throws IllegalArgumentException saying which of the two it is
     */
    public static void requireUsers(String setting, String address) {
        if (address.contains("#") || address.contains("*")) {
            throw new IllegalArgumentException(setting + " '" + address + "' is a wildcard ('#' and '*' match other"
                    + " addresses on the broker, the stream's included): name one address");
        }
        if (address.startsWith(PREFIX) || address.equals(BROKER_DEAD_LETTERS) || address.equals(BROKER_EXPIRY)) {
            throw new IllegalArgumentException(setting + " '" + address + "' is one of the hub's own addresses ('"
                    + PREFIX + "…', " + BROKER_DEAD_LETTERS + ", " + BROKER_EXPIRY
                    + "), whose messages only the hub puts there: name another");
        }
    }

    private StreamAddresses() {
    }
}
