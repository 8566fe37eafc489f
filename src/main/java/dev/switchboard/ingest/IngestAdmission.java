package dev.switchboard.ingest;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Bounds the webhook acceptances in flight ({@code switchboard.ingest.max-concurrent}). A request
 * over the bound waits its turn, first come first served, for at most
 * {@code switchboard.ingest.admission-wait}, then is refused with {@code 503} and
 * {@code Retry-After}: nothing is accepted, so the sender's retry is its only delivery.
 */
@Startup
@ApplicationScoped
public class IngestAdmission {

    private final Semaphore permits;
    private final IngestConfig config;

    @Inject
    public IngestAdmission(IngestConfig config, MeterRegistry registry) {
        if (config.maxConcurrent() < 1) {
            throw new IllegalArgumentException("switchboard.ingest.max-concurrent must be at least 1, not "
                    + config.maxConcurrent());
        }
        this.config = config;
        this.permits = new Semaphore(config.maxConcurrent(), true);
        Gauge.builder("switchboard.ingest.in.flight", permits, free -> config.maxConcurrent() - free.availablePermits())
                .description("Webhook acceptances in progress").register(registry);
        Gauge.builder("switchboard.ingest.waiting", permits, Semaphore::getQueueLength)
                .description("Webhook requests waiting for a free acceptance").register(registry);
    }

    /** Takes a turn, or refuses the request; every successful call is followed by {@link #leave()}. */
    public void enter() throws InterruptedException {
        if (!permits.tryAcquire(config.admissionWait().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new Problem(503, "overloaded", "Too many requests in progress",
                    "The hub is accepting " + config.maxConcurrent() + " webhooks at once and none finished within "
                            + config.admissionWait().toSeconds() + " s; nothing was accepted. Retry later.",
                    Map.of("Retry-After", WebhookRoute.RETRY_AFTER_SECONDS));
        }
    }

    public void leave() {
        permits.release();
    }
}
