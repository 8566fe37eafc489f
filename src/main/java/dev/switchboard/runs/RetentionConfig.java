package dev.switchboard.runs;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code switchboard.retention.*}: how long finished events and idempotency keys are kept. Keep
 * keys longer than any sender retries a delivery: a delivery whose key is gone is accepted again.
 */
@ConfigMapping(prefix = "switchboard.retention")
public interface RetentionConfig {

    /** Events whose runs are all finished (succeeded or discarded), with their runs and attempts. */
    @WithDefault("30d")
    Duration events();

    @WithDefault("30d")
    Duration idempotencyKeys();

    /** How often the purge runs; it deletes in batches so as not to hold long locks. */
    @WithDefault("1h")
    Duration interval();

    @WithDefault("10000")
    int batch();
}
