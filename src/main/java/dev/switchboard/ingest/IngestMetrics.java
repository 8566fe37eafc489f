package dev.switchboard.ingest;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Per-source counters of ingest, as {@code switchboard_ingest_*_total{source=...}}. Requests for
 * a source that does not exist count under {@code source="(unknown)"} so that a scanner cannot
 * create a series per path it tries. The same deliveries and refusals are kept for the last hour
 * in {@link RecentDeliveries}.
 */
@ApplicationScoped
public class IngestMetrics {

    public static final String UNKNOWN_SOURCE = "(unknown)";

    @Inject
    MeterRegistry registry;

    @Inject
    SignatureFailures signatureFailures;

    @Inject
    RecentDeliveries recent;

    public void received(String source) {
        registry.counter("switchboard.ingest.received", "source", source).increment();
        recent.received(source);
    }

    /** An accepted delivery, with the time from the request's arrival to its durable acceptance. */
    public void accepted(String source, Duration took) {
        registry.counter("switchboard.ingest.accepted", "source", source).increment();
        Timer.builder("switchboard.ingest").tag("source", source).publishPercentileHistogram().register(registry)
                .record(took);
    }

    public void duplicate(String source) {
        registry.counter("switchboard.ingest.duplicate", "source", source).increment();
    }

    public void rejected(String source, String reason) {
        registry.counter("switchboard.ingest.rejected", "source", source, "reason", reason).increment();
        recent.refused(source);
        if (reason.equals("bad-signature") || reason.equals("stale-timestamp")) {
            signatureFailures.record(source);
        }
    }
}
