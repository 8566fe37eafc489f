package dev.switchboard.core;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently a run is retried: up to {@code maxAttempts} attempts in all, the
 * wait doubling from {@code initialDelay} up to {@code maxDelay}, each wait jittered to between
 * half and all of it so that replicas retrying after one outage do not arrive together.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    /**
     * Every connector's budget unless its port or the action says otherwise: 15 attempts, waiting
     * 1 s doubling to 5 min. The 14 waits add up to 2,011 s before jitter, so even with the
     * shortest jitter a run keeps trying for 16.7 minutes (about 25 on average): a downstream
     * outage of a quarter of an hour delays runs, it does not make them DEAD.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(15, Duration.ofSeconds(1), Duration.ofMinutes(5));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1");
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= initial-delay <= max-delay");
        }
    }

    /** The wait after failed attempt number {@code attempt} (1-based) of this policy's budget. */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        long base = initialDelay.toMillis();
        for (int i = 1; i < attempt && base < maxDelay.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, maxDelay.toMillis());
        return Duration.ofMillis(base / 2 + (long) (random.nextDouble() * (base - base / 2)));
    }

    /**
     * This policy with the settings given, e.g. an action's {@code retry:} over its port's. An
     * initial delay longer than the port's maximum raises the maximum to it: the action asked to
     * wait at least that long, and a port edited later must not make its rule fail to plan.
     */
    public RetryPolicy with(Optional<Integer> attempts, Optional<Duration> initial, Optional<Duration> max) {
        Duration first = initial.orElse(initialDelay);
        Duration ceiling = max.orElse(maxDelay);
        return new RetryPolicy(attempts.orElse(maxAttempts), first, ceiling.compareTo(first) < 0 ? first : ceiling);
    }
}
