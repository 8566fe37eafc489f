package dev.switchboard.runs;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/** A warning about a route that keeps failing, logged at most every 30 s rather than at every poll. */
final class ThrottledWarning {

    private static final Logger LOG = Logger.getLogger(ThrottledWarning.class);
    private static final long INTERVAL_MS = 30_000;

    private final String what;
    private final AtomicLong last = new AtomicLong();

    ThrottledWarning(String what) {
        this.what = what;
    }

    /** Logs the exchange's caught exception, unless this warning was logged less than 30 s ago. */
    void log(Exchange exchange) {
        log(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** Logs the failure, unless this warning was logged less than 30 s ago. */
    void log(Throwable error) {
        long now = System.currentTimeMillis();
        long previous = last.get();
        if (now - previous > INTERVAL_MS && last.compareAndSet(previous, now)) {
            LOG.warnf("%s (will keep trying): %s", what, error.getMessage());
        }
    }
}
