package dev.switchboard.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.stream.*}: how this replica consumes the central stream. */
@ConfigMapping(prefix = "switchboard.stream")
public interface StreamConfig {

    /** Concurrent consumers of the stream in this replica; replicas add theirs. */
    @WithDefault("4")
    int consumers();
}
