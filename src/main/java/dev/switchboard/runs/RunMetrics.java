package dev.switchboard.runs;

import java.time.Duration;
import java.util.function.LongSupplier;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus metrics of events judged and of runs ({@code /q/metrics}), counted where they happen,
 * as ingest counts its own in {@code IngestMetrics}. Events by source and outcome; runs by rule,
 * port, connector and outcome; attempt and end-to-end latency histograms; the number of DEAD runs
 * waiting for an operator, and of runs waiting for their port's binding. What ops counts of the
 * layers below (rejected rule reloads, route dead letters) it learns through CDI events.
 */
@ApplicationScoped
public class RunMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    RunOperations runs;

    @PostConstruct
    void gauges() {
        Gauge.builder("switchboard.dead.letters", this::deadRuns)
                .description("Action runs in state DEAD, waiting for replay or discard")
                .register(registry);
        Gauge.builder("switchboard.runs.unbound", this::unboundRuns)
                .description("Action runs waiting for their port to be bound (DEAD after switchboard.runs.unbound-grace)")
                .register(registry);
    }

    /** An event's outcome: processed, ignored or failed. */
    public void event(String source, String outcome) {
        registry.counter("switchboard.events", "source", source, "outcome", outcome).increment();
    }

    /** An event judged again by an operator's reprocess, and what it became: processed, ignored or failed. */
    public void reprocessed(String outcome) {
        registry.counter("switchboard.events.reprocessed", "outcome", outcome).increment();
    }

    /** A run's attempt and where it left the run: succeeded, failed (will retry) or dead. */
    public void attempt(String rule, String port, String connector, String outcome, Duration took) {
        registry.counter("switchboard.runs", "rule", rule, "port", port, "connector", connector, "outcome", outcome)
                .increment();
        Timer.builder("switchboard.run.attempt").tags("port", port, "connector", connector)
                .publishPercentileHistogram().register(registry).record(took);
    }

    /** A run dead before any attempt (a template error, an unbound port). */
    public void deadAtPlanning(String rule, String port) {
        registry.counter("switchboard.runs", "rule", rule, "port", port, "connector", "none", "outcome", "dead")
                .increment();
    }

    /** From the event's arrival to the downstream's answer, for a successful run. */
    public void endToEnd(String rule, String port, Duration took) {
        Timer.builder("switchboard.end.to.end").tags("rule", rule, "port", port)
                .publishPercentileHistogram().register(registry).record(took);
    }

    private double deadRuns() {
        return count(runs::dead);
    }

    private double unboundRuns() {
        return count(runs::waitingForBinding);
    }

    /**
     * A count the database cannot give now (it is down, or the hub stops) shows no
     * value rather than failing the scrape.
     */
    private static double count(LongSupplier counter) {
        try {
            return counter.getAsLong();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
