package dev.switchboard.ingest;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.ingest.*}: how much webhook acceptance one replica takes on at once. */
@ConfigMapping(prefix = "switchboard.ingest")
public interface IngestConfig {

    /**
     * Webhook acceptances (a database transaction and a broker send each) in flight at once in this
     * replica. The rest of the replica's database connections and CPU stay for consuming the stream
     * and running actions, which would otherwise starve under a flood of requests.
     */
    @WithDefault("32")
    int maxConcurrent();

    /** How long a request waits for a free acceptance before it is refused with 503 and Retry-After. */
    @WithDefault("5s")
    Duration admissionWait();
}
