package dev.switchboard.boot;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

/**
 * Brings one embedded service back after it died under the hub: the first start is tried as soon as
 * the death is seen, and each failed one doubles the wait before the next, from 1 s to 30 s, so a
 * service that cannot start yet (its old processes still ending, its port still taken) is neither
 * hammered nor given up on. One line per death, per failed start and per recovery.
 */
final class Revival {

    private static final Logger LOG = Logger.getLogger(Revival.class);
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private final String service;
    private final BooleanSupplier dead;
    private final BooleanSupplier start;
    private Instant diedAt;
    private Instant nextStart;
    private Duration wait = FIRST_WAIT;
    private int failedStarts;

    /** {@code start} starts the service if it is still dead, and says whether it did. */
    Revival(String service, BooleanSupplier dead, BooleanSupplier start) {
        this.service = service;
        this.dead = dead;
        this.start = start;
    }

    /** Called often (every second); starts the service when it is dead and its wait is over. */
    synchronized void check(Instant now) {
        if (diedAt == null) {
            if (!dead.getAsBoolean()) {
                return;
            }
            diedAt = now;
            nextStart = now;
            LOG.warnf("%s has died: starting it again", service);
        }
        if (now.isBefore(nextStart)) {
            return;
        }
        boolean started;
        try {
            started = start.getAsBoolean();
        } catch (RuntimeException e) {
            failedStarts++;
            nextStart = now.plus(wait);
            LOG.warnf("%s did not start again (attempt %d, next in %d s): %s", service, failedStarts,
                    wait.toSeconds(), e.getMessage());
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
            return;
        }
        if (started) {
            LOG.infof("%s is running again, %d s after it died", service,
                    Duration.between(diedAt, Instant.now()).toSeconds());
        }
        // Otherwise it was stopped on purpose meanwhile: nothing to bring back.
        diedAt = null;
        wait = FIRST_WAIT;
        failedStarts = 0;
    }
}
