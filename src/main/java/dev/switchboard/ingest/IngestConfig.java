package dev.switchboard.ingest;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.ingest.*}: how much webhook acceptance one replica takes on at once. */
@ConfigMapping(prefix = "switchboard.ingest")
public interface IngestConfig {

    /**
     * Webhook acceptances in flight at once in this replica. They wait for a shared commit (the
     * acceptance batch) rather than holding a connection each, so the bound is on requests held
     * in memory, not on the pool; the default stays below Quarkus's 200 worker threads, which
     * every waiting request holds, so that the API and dashboard keep some.
     */
    @WithDefault("128")
    int maxConcurrent();

    /** How long a request waits for a free acceptance before it is refused with 503 and Retry-After. */
    @WithDefault("5s")
    Duration admissionWait();
}
