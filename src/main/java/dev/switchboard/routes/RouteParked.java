package dev.switchboard.routes;

/**
 * A CDI event: a user route sent a message to its parking endpoint, which parks it on
 * {@code switchboard.routes.parked}. Fired for ops (which counts it and raises an alert), so that routes
 * need not know who watches.
 */
public record RouteParked(String route, String reason) {
}
