package dev.switchboard.runs;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A wake-up call between the stages of one replica: the acceptance wakes the relay, the stream's
 * consumer wakes the run dispatcher, so that new work is taken at once instead of at the next
 * poll. Calls made while nobody waits are folded into one. Other replicas' work is still found by
 * polling.
 */
final class Signal {

    private final Semaphore raised = new Semaphore(0);

    void raise() {
        if (raised.availablePermits() == 0) {
            raised.release();
        }
    }

    /** Waits until raised or the time is up; clears the signal. True when it was raised. */
    boolean await(Duration atMost) throws InterruptedException {
        if (raised.tryAcquire(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            raised.drainPermits();
            return true;
        }
        return false;
    }
}
