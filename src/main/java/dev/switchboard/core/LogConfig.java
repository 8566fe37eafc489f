package dev.switchboard.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * {@code switchboard.log.*}. {@link RepeatedWarnings}, which the logging system creates before any
 * bean and before the operator's file is read, holds the defaults; {@link LogSettings} applies
 * these once the hub starts (and, by injecting this mapping, makes its keys known to Quarkus).
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
