package dev.switchboard.routes;

/**
 * A CDI event: a user route published an event or called a port, so it works (again). Fired for
 * ops, which resolves the route's parked-messages alert if one is open.
 */
public record RouteDelivered(String route) {
}
