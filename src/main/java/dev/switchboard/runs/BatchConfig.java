package dev.switchboard.runs;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code switchboard.batch.*}: how many items each stage of the pipeline writes in one
 * transaction, and how long a batch waits for more after its first item. The defaults come from
 * {@code bench/steps.md} (step 16): under load a batch fills while the one before it commits, so
 * the linger only matters when the hub is nearly idle, where it is latency and nothing else.
 */
@ConfigMapping(prefix = "switchboard.batch")
public interface BatchConfig {

    /** Acceptances (webhooks, queue messages, route publishes) committed together. */
    Stage accept();

    /** Stream messages consumed in one broker and one database transaction, per consumer. */
    Stage stream();

    /** Events moved from the outbox to the stream in one broker transaction. */
    Stage relay();

    /** Outcomes of run attempts recorded together. */
    Stage outcomes();

    interface Stage {

        @WithDefault("256")
        int size();

        @WithDefault("0ms")
        Duration linger();

        /**
         * Transactions of this stage under way at once (for the stream: per consumer, always
         * one). Batches in flight together never wait on each other's rows, except two copies of
         * one delivery, whose keys each batch locks in the same (sorted) order. One by default:
         * a batch then fills while the one before commits, and on two cores four writers' smaller
         * batches and hand-offs cost the hub about half its end-to-end rate (bench/steps.md, 39).
         */
        @WithDefault("1")
        int writers();
    }
}
