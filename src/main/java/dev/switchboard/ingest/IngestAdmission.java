package dev.switchboard.ingest;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

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

    /** Refusal of a request whose connection closed before its turn; its answer is never written. */
    static final Problem SENDER_GONE = new Problem(499, "sender-gone", "Sender gone",
            "The sender closed the connection before the request's turn; nothing was accepted.");

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

    /**
     * Takes a turn, or refuses the request; every successful call is followed by {@link #leave()}.
     * A request whose sender hung up while it waited is dropped rather than accepted: nobody would
     * read the answer, the sender retries it anyway, and under overload such abandoned requests
     * would otherwise take turns from the live ones (bench/RESULTS.md, step 14).
     */
    public void enter(Exchange exchange) throws InterruptedException {
        if (senderGone(exchange)) {
            throw SENDER_GONE;
        }
        if (!permits.tryAcquire(config.admissionWait().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new Problem(503, "overloaded", "Too many requests in progress",
                    "The hub is accepting " + config.maxConcurrent() + " webhooks at once and none finished within "
                            + config.admissionWait().toSeconds() + " s; nothing was accepted. Retry later.",
                    Map.of("Retry-After", WebhookRoute.RETRY_AFTER_SECONDS));
        }
        if (senderGone(exchange)) {
            permits.release();
            throw SENDER_GONE;
        }
    }

    public void leave() {
        permits.release();
    }

    private static boolean senderGone(Exchange exchange) {
        return exchange.getIn() instanceof HttpMessage http && http.getResponse().closed();
    }
}
