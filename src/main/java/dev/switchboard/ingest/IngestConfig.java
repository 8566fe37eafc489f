package dev.switchboard.ingest;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * Webhook body bytes held in memory at once in this replica, by every request being read, waiting
     * or accepted: a request is refused with 503 and Retry-After when its next chunk would go over.
     * Bytes count as they arrive (and a declared body's first buffer, up to 64 KB, before), never as
     * announced: a sender announcing a large body and sending nothing holds next to none of it. The
     * bytes are counted once; while a request is accepted the hub holds a few copies of its body, so
     * the heap it takes is a small multiple of this. A source's {@code max-body} above it could never
     * be accepted, and stops the hub at startup.
     */
    @WithDefault("64M")
    MemorySize maxBuffered();

    /**
     * Webhook requests read whole and waiting for a worker thread, beyond which one more is refused
     * with 503 and Retry-After rather than queued. Quarkus's worker pool runs at least 200 requests at once
     * ({@code quarkus.thread-pool.max-threads}), most of them waiting up to {@code admission-wait} for a turn; at the measured ~800
     * acceptances a second, 256 more behind them are about a third of a second of work: enough to
     * absorb a burst, while a longer queue would only answer its tail after the senders' timeouts and
     * hold each queued request's connection and body meanwhile.
     */
    @WithDefault("256")
    int maxQueued();

    /**
     * How long a webhook body may take to arrive, from its request's head to its last byte; one that
     * takes longer is refused with 408 and its bytes given back. Well above any sender's own timeout
     * (GitHub waits 10 s for the whole exchange), so only a sender holding the hub's memory on
     * purpose, or one on a broken link, meets it.
     */
    @WithDefault("20s")
    Duration bodyTimeout();
}
