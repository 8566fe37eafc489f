package dev.switchboard.ingest;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.ingest.*}: how much webhook acceptance one replica takes on at once. */
@ConfigMapping(prefix = "switchboard.ingest")
public interface IngestConfig {

    /**
     * Webhook acceptances (a database transaction and a broker send each) in flight at once in this
     * replica. Each holds a database connection: the default leaves 16 of the pool's 64 to the
     * stream consumers, the run workers and the API, which a flood of requests would otherwise
     * starve of connections (and the senders would see their requests fail after the pool's wait).
     */
    @WithDefault("48")
    int maxConcurrent();

    /** How long a request waits for a free acceptance before it is refused with 503 and Retry-After. */
    @WithDefault("5s")
    Duration admissionWait();
}
