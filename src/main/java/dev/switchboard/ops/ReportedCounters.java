package dev.switchboard.ops;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;

import dev.switchboard.routes.RouteParked;
import dev.switchboard.rules.RulesRejected;

/**
 * Prometheus counters of what the layers below report as CDI events: rule reloads rejected, and
 * messages a user route parked. (Events and runs are counted where they happen, in
 * {@code RunMetrics} and {@code IngestMetrics}.)
 */
@ApplicationScoped
public class ReportedCounters {

    @Inject
    MeterRegistry registry;

    void rulesRejected(@Observes RulesRejected rejected) {
        registry.counter("switchboard.rules.reload.errors").increment();
    }

    /** Counted before the alert on the same event is raised, which may fail. */
    void routeParked(@Observes @Priority(1) RouteParked parked) {
        registry.counter("switchboard.route.parked", "route", parked.route()).increment();
    }
}
