package dev.switchboard.ops.alerts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.switchboard.routes.RouteDelivered;
import dev.switchboard.routes.RouteParked;
import dev.switchboard.rules.AlertsRule;
import dev.switchboard.runs.RunDied;
import dev.switchboard.stream.StreamAddresses;

/**
 * The alerts raised and cleared on what the layers below report as CDI events, rather than being
 * called by them. Observed synchronously: in the reporter's thread and transaction, as a call was.
 * (Alerts found by looking, on a schedule, are {@link AlertChecks}.)
 */
@ApplicationScoped
public class AlertTriggers {

    @Inject
    Alerts alerts;

    /** Except a run of the alerts themselves, which would only raise another. */
    void runDied(@Observes RunDied dead) {
        if (!AlertsRule.ID.equals(dead.rule())) {
            alerts.raise(Alerts.deadRun(dead.run()), "run-dead", "Run of " + dead.rule() + "/" + dead.action()
                    + " on port " + dead.port() + " is DEAD", dead.reason());
        }
    }

    void routeParked(@Observes RouteParked parked) {
        alerts.raise(routeIncident(parked.route()), "route-parked", "Route " + parked.route()
                + " parks messages in " + StreamAddresses.ROUTES_PARKED, parked.reason());
    }

    /** A route that publishes or calls again works again: its parked-messages incident resolves. */
    void routeDelivered(@Observes RouteDelivered delivered) {
        alerts.clear(routeIncident(delivered.route()));
    }

    private static String routeIncident(String route) {
        return "route-parked:" + route;
    }
}
