package dev.switchboard.ingest;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The webhook body bytes this replica holds at once ({@code switchboard.ingest.max-buffered}),
 * shared by every webhook request: each reserves its bytes before it reads them and gives them back
 * when its response is done or its connection gone. Without it, senders in parallel could make the
 * hub buffer any number of bodies up to the HTTP limit each, and run it out of heap.
 */
@Startup
@ApplicationScoped
public class BodyBudget {

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    @Inject
    public BodyBudget(IngestConfig config, MeterRegistry registry) {
        this.limit = config.maxBuffered().asLongValue();
        Gauge.builder("switchboard.ingest.buffered", reserved, AtomicLong::get).baseUnit("bytes")
                .description("Webhook body bytes reserved by requests being read or accepted").register(registry);
    }

    /** Reserves {@code bytes} if they fit under the limit with everything reserved already. */
    public boolean tryReserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    public void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    public long limit() {
        return limit;
    }
}
