package dev.switchboard.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.stream.*}: how this replica consumes the central stream. */
@ConfigMapping(prefix = "switchboard.stream")
public interface StreamConfig {

    /**
     * Concurrent consumers of the stream in this replica; replicas add theirs. Two by default:
     * on two cores fewer consumers' larger batches cost less (one halved the tail at 500 events/s,
     * bench/steps.md 39), and a second goes on judging while the first waits out a slow model.
     */
    @WithDefault("2")
    int consumers();
}
