package dev.switchboard.core;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * A warning about work that fails while a part is away (the database, the broker) and is tried
 * again by itself: a poll, a beat, a check, a refused request. Logged at every failure under one
 * category, {@value #CATEGORY}, which the log's {@link RepeatedWarnings} filter lets through once
 * per window for each kind, counting the rest: an outage is a few lines, not one per poll.
 */
public final class ThrottledWarning {

    public static final String CATEGORY = "dev.switchboard.retrying";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private final String what;

    /** {@code what} says what cannot be done now, e.g. "Runs cannot be dispatched". */
    public ThrottledWarning(String what) {
        this.what = what;
    }

    /** Logs the exchange's caught exception. */
    public void log(Exchange exchange) {
        log(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    public void log(Throwable error) {
        warn(what + " (will keep trying)", error);
    }

    /** For a warning whose subject varies (a source's name): {@code what}, then the error's message. */
    public static void warn(String what, Throwable error) {
        LOG.warnf("%s: %s", what, error.getMessage());
    }
}
