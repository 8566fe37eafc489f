package dev.switchboard.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

/**
 * Holds back everything that takes work in (the stream's consumers, the queue sources, the run
 * dispatcher) until the hub can act on it: until rules, models and port bindings have loaded
 * together for the first time. An event judged by a rule set that is not there yet would be
 * recorded IGNORED for good, and a run executed before its port is bound would wait for nothing.
 *
 * <p>Opens once and stays open: a later load that is rejected keeps the last good set in force,
 * so there is still something to act with. While it is closed, {@link #reason()} says why.
 */
@ApplicationScoped
public class StartupGate {

    private static final Logger LOG = Logger.getLogger(StartupGate.class);

    /** Fired once, when the gate opens: for consumers that are started rather than waiting. */
    public record Opened() {
    }

    @Inject
    Event<Opened> opened;

    private final CountDownLatch open = new CountDownLatch(1);
    private volatile String reason = "rules, models and port bindings have not loaded yet";

    public boolean isOpen() {
        return open.getCount() == 0;
    }

    /** Why nothing is consumed yet; null once the gate is open. */
    public String reason() {
        return isOpen() ? null : reason;
    }

    /** Waits until the gate opens or the time is up; true when it is open. */
    public boolean await(Duration atMost) throws InterruptedException {
        return open.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Says why the gate is still closed (ignored once it is open). */
    public void keepClosed(String why) {
        if (!isOpen()) {
            reason = why;
            LOG.errorf("Nothing is consumed until this is fixed: %s", why);
        }
    }

    /** Lets the consumers start; only the first call does anything. */
    public synchronized void open() {
        if (isOpen()) {
            return;
        }
        open.countDown();
        LOG.info("Rules, models and port bindings loaded: consumers and the run dispatcher start");
        opened.fire(new Opened());
    }
}
