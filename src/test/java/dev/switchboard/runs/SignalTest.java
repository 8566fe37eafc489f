package dev.switchboard.runs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The relay lingers only after a wake-up: it relies on the signal saying whether it was raised. */
class SignalTest {

    @Test
    void aWaitSaysWhetherItWasWokenAndCallsMadeWhileNobodyWaitedWakeItOnce() throws InterruptedException {
        Signal signal = new Signal();
        assertFalse(signal.await(Duration.ofMillis(20)), "nobody raised it: the time ran out");

        signal.raise();
        signal.raise();
        assertTrue(signal.await(Duration.ofSeconds(5)), "raised before the wait");
        assertFalse(signal.await(Duration.ofMillis(20)), "the two calls were folded into one wake-up");

        Thread raiser = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            signal.raise();
        });
        raiser.start();
        assertTrue(signal.await(Duration.ofSeconds(5)), "raised during the wait");
        raiser.join();
    }
}
