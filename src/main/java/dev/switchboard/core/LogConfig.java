package dev.switchboard.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * {@code switchboard.log.*}, declared so that its keys are known (a typo in one stops startup).
 * Read by {@link RepeatedWarnings}, which the logging system creates before any bean and which
 * holds the defaults: a mapping's defaults do not reach a logging filter's config.
 */
@ConfigMapping(prefix = "switchboard.log")
public interface LogConfig {

    /** A warning or error of one kind is logged at most once in this window; {@code 0s} logs every one. */
    Optional<Duration> repeatWindow();

    /**
     * The log categories (and those under them) whose repeated warnings are held back; by default
     * the pool, the transaction manager, Hibernate's SQL errors, Camel's JMS consumers, Artemis
     * and {@link ThrottledWarning}'s.
     */
    Optional<List<String>> repeatCategories();
}
