package dev.switchboard.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Bounds the webhook requests handed to the worker pool and not yet started there
 * ({@code switchboard.ingest.max-queued}). The pool's own queue has no bound: behind a slow
 * acceptance, every request that arrived would wait in it, with its body, for as long as it took.
 * A request enters on the event loop as it is handed to the route, and leaves when the route starts
 * it on a worker thread, or when its exchange with the sender ends before that (sender gone).
 */
@Startup
@ApplicationScoped
public class WorkerQueue {

    private final int limit;
    private final AtomicInteger queued = new AtomicInteger();
    /** The requests counted in {@link #queued}; never more than {@link #limit} of them. */
    private final Map<HttpServerRequest, Boolean> waiting = new ConcurrentHashMap<>();

    @Inject
    public WorkerQueue(IngestConfig config, MeterRegistry registry) {
        if (config.maxQueued() < 1) {
            throw new IllegalArgumentException("switchboard.ingest.max-queued must be at least 1, not "
                    + config.maxQueued());
        }
        this.limit = config.maxQueued();
        Gauge.builder("switchboard.ingest.queued", queued, AtomicInteger::get)
                .description("Webhook requests waiting for a worker thread").register(registry);
    }

    /** Whether a request arriving now would be refused, so that its body need not be read. */
    public boolean isFull() {
        return queued.get() >= limit;
    }

    /** Counts the request as queued unless the queue is full; then it must be refused. */
    public boolean tryEnter(RoutingContext context) {
        int now;
        do {
            now = queued.get();
            if (now >= limit) {
                return false;
            }
        } while (!queued.compareAndSet(now, now + 1));
        HttpServerRequest request = context.request();
        waiting.put(request, Boolean.TRUE);
        context.addEndHandler(ended -> leave(request));
        return true;
    }

    /** The route has started {@code exchange} on a worker thread. */
    public void started(Exchange exchange) {
        if (exchange.getIn() instanceof HttpMessage http) {
            leave(http.getRequest());
        }
    }

    public int limit() {
        return limit;
    }

    private void leave(HttpServerRequest request) {
        if (waiting.remove(request) != null) {
            queued.decrementAndGet();
        }
    }
}
