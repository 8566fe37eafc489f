package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

/** Backoff: doubling up to the ceiling, each wait jittered to between half and all of it. */
class RetryPolicyTest {

    final RetryPolicy policy = new RetryPolicy(8, Duration.ofMillis(1000), Duration.ofMillis(5000));

    @Test
    void waitsDoubleUpToTheCeilingWithinTheirJitter() {
        long[] bases = {1000, 2000, 4000, 5000, 5000};
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        for (int attempt = 1; attempt <= bases.length; attempt++) {
            long base = bases[attempt - 1];
            for (int draw = 0; draw < 200; draw++) {
                long wait = policy.delayAfter(attempt, random).toMillis();
                assertTrue(wait >= base / 2 && wait <= base, "attempt " + attempt + ": " + wait + " ms");
            }
        }
    }

    @Test
    void theJitterSpreadsWaits() {
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        Set<Long> waits = new HashSet<>();
        for (int draw = 0; draw < 20; draw++) {
            waits.add(policy.delayAfter(2, random).toMillis());
        }
        assertTrue(waits.size() > 10, "twenty retries after one outage should not wait alike: " + waits);
    }

    @Test
    void theBoundsOfTheJitter() {
        assertEquals(Duration.ofMillis(1000), policy.delayAfter(2, fixed(0.0)), "half the wait at the least");
        assertEquals(Duration.ofMillis(3999), policy.delayAfter(3, fixed(0.9999)), "all of it at the most");
    }

    static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Test
    void theDefaultBudgetRidesOutAFifteenMinuteOutageEvenWithTheShortestJitter() {
        RandomGenerator shortest = () -> 0L;
        Duration waited = Duration.ZERO;
        for (int attempt = 1; attempt < RetryPolicy.DEFAULT.maxAttempts(); attempt++) {
            waited = waited.plus(RetryPolicy.DEFAULT.delayAfter(attempt, shortest));
        }
        assertTrue(waited.compareTo(Duration.ofMinutes(15)) >= 0, waited.toString());
    }

    @Test
    void anActionsInitialDelayBeyondItsPortsMaximumRaisesTheMaximumInsteadOfFailing() {
        RetryPolicy port = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(5));
        RetryPolicy action = port.with(Optional.empty(), Optional.of(Duration.ofMinutes(10)), Optional.empty());
        assertEquals(new RetryPolicy(3, Duration.ofMinutes(10), Duration.ofMinutes(10)), action);
    }
}
