package dev.switchboard.core;

/**
 * Every name under which Switchboard carries data on a Camel exchange or a broker message, in one
 * place, so that a name means one thing and a reader finds who sets it by its constant. Three
 * kinds, kept apart because they change differently:
 * <ul>
 * <li>headers user routes set or read at the hub's endpoints: part of the routes' contract
 * (docs/routes.md), so their names stay;</li>
 * <li>properties and headers the hub's own routes hand each other: internal;</li>
 * <li>message properties that travel on the broker: wire names, seen by whatever reads the
 * queues, so their names stay too.</li>
 * </ul>
 * Whether an acceptance found its delivery seen before is Camel's own {@code
 * Exchange.DUPLICATE_MESSAGE} ({@link #SEEN_BEFORE}), not a name of ours.
 */
public final class ExchangeKeys {

    // --- Headers of the endpoints user routes use (direct:switchboard-publish, -call, -park) ---

    /** The type of the event a route publishes or calls with; required by publish. */
    public static final String EVENT_TYPE = "SwitchboardEventType";
    /** The event's source; the id of the route that sent the message when absent. */
    public static final String EVENT_SOURCE = "SwitchboardEventSource";
    /** The delivery id, which makes a repeat a duplicate; a SHA-256 of the body when absent. */
    public static final String EVENT_ID = "SwitchboardEventId";
    /** Set on the way back to the route: the id of the event its message became. */
    public static final String EVENT = "SwitchboardEvent";
    /** Set on the way back to the route: whether the message repeated an earlier delivery. */
    public static final String DUPLICATE = "SwitchboardDuplicate";
    /** The port a call goes to; required by call. */
    public static final String PORT = "SwitchboardPort";
    /**
     * The connector operation of a call, for connectors that have several; also the property the
     * JMS connector puts on the message it sends.
     */
    public static final String OPERATION = "SwitchboardOperation";

    // --- Between the hub's own routes ---

    /** Header into {@code StreamAddresses.ACCEPT}: the delivery's idempotency key. */
    public static final String DELIVERY_KEY = "SwitchboardDeliveryKey";
    /** Property the acceptance sets once the delivery's event is stored. */
    public static final String ACCEPTED = "SwitchboardAccepted";
    /** Property the acceptance sets to {@code true} when the delivery was accepted before: Camel's idempotent consumer's. */
    public static final String SEEN_BEFORE = org.apache.camel.Exchange.DUPLICATE_MESSAGE;
    /** Property of a webhook's exchange: the {@code IncomingEvent} it became. */
    public static final String WEBHOOK_INCOMING = "SwitchboardIncoming";
    /** Property of a webhook's exchange: the source's name (or the metrics' unknown source). */
    public static final String WEBHOOK_SOURCE = "SwitchboardSource";
    /** Property of a webhook's exchange: the request path, a problem's {@code instance}. */
    public static final String WEBHOOK_PATH = "SwitchboardPath";
    /** Property of a route's publish or call: the route's own body, given back afterwards. */
    public static final String ORIGINAL_BODY = "SwitchboardOriginalBody";
    /** Property of a route's call: the judged call (its one planned run) to record. */
    public static final String EVALUATION = "SwitchboardEvaluation";

    // --- Message properties on the broker (wire names) ---

    /** Of every parked message: why it was parked. */
    public static final String PARKED_REASON = "SwitchboardParkedReason";
    /** Of a message a queue source parked: the source's name. */
    public static final String PARKED_SOURCE = "SwitchboardSource";
    /** Of a message a user route parked: the route's id. */
    public static final String PARKED_ROUTE = "SwitchboardRoute";
    /** Of a DEAD run's letter: the run's id. */
    public static final String DEAD_RUN = "SwitchboardRun";
    /** Of a DEAD run's letter: why the run died (the letter's {@code reason}). */
    public static final String DEAD_REASON = "SwitchboardDeadReason";

    private ExchangeKeys() {
    }
}
