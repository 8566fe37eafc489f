package dev.switchboard.runs;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * A warning about work that keeps failing and is tried again by itself (a poll, a beat), in the
 * owner's log category. Logged at every failure; the log's filter (core/RepeatedWarnings) lets
 * one line of it through per window and counts the rest.
 */
final class ThrottledWarning {

    private final Logger log;
    private final String what;

    ThrottledWarning(Class<?> owner, String what) {
        this.log = Logger.getLogger(owner);
        this.what = what;
    }

    /** Logs the exchange's caught exception. */
    void log(Exchange exchange) {
        log(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    void log(Throwable error) {
        log.warnf("%s (will keep trying): %s", what, error.getMessage());
    }
}
