package dev.switchboard.core;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * {@code switchboard.log.*}, declared so that its keys are known (a typo in one stops startup).
 * Read by {@link RepeatedWarnings}, which the logging system creates before any bean and which
 * holds the default: a mapping's defaults do not reach a logging filter's config.
 */
@ConfigMapping(prefix = "switchboard.log")
public interface LogConfig {

    /** A warning or error of one kind is logged at most once in this window; {@code 0s} logs every one. */
    Optional<Duration> repeatWindow();
}
