package dev.switchboard.ops.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.core.net.SocketAddress;

/**
 * Failed sign-ins are counted per key in ten buckets of the window, in counters of a fixed size: a
 * key is refused from its limit until enough failures are older than the window, and no number of
 * other keys makes a key's count lower.
 */
class FailureCountsTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {

        Instant now = Instant.parse("2026-12-02T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();

    @Test
    void aKeyIsRefusedFromItsLimitUntilEnoughFailuresLeaveTheWindow() {
        FailureCounts counts = new FailureCounts(10, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 4; i++) {
            counts.add("198.51.100.1");
        }
        clock.now = clock.now.plusSeconds(120);
        for (int i = 0; i < 5; i++) {
            counts.add("198.51.100.1");
        }
        assertEquals(Optional.empty(), counts.refusal("198.51.100.1"), "nine failures");
        counts.add("198.51.100.1");
        // The four oldest leave at 12:05:00 (their bucket's end plus the window), 3 minutes from now.
        assertEquals(Optional.of(Duration.ofMinutes(3)), counts.refusal("198.51.100.1"));
        assertEquals(Optional.empty(), counts.refusal("198.51.100.2"));

        clock.now = clock.now.plus(Duration.ofMinutes(3)).minusMillis(1);
        assertEquals(Optional.of(Duration.ofMillis(1)), counts.refusal("198.51.100.1"));
        clock.now = clock.now.plusMillis(1);
        assertEquals(Optional.empty(), counts.refusal("198.51.100.1"), "six failures left in the window");
    }

    @Test
    void aFloodOfMadeUpKeysNeverLowersTheCountOfAGuessedOne() {
        FailureCounts counts = new FailureCounts(10, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 10; i++) {
            counts.add("operator");
        }
        for (int i = 0; i < 1_000_000; i++) {
            counts.add("made-up-" + i);
        }
        assertTrue(counts.refusal("operator").isPresent());
    }

    @Test
    void aFailureTenMinutesOldIsForgottenWhenItsBucketComesRoundAgain() {
        FailureCounts counts = new FailureCounts(1, Duration.ofMinutes(5), clock);
        counts.add("198.51.100.1");
        assertTrue(counts.refusal("198.51.100.1").isPresent());
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        counts.add("198.51.100.2"); // reuses the slot of the first failure's bucket
        assertEquals(Optional.empty(), counts.refusal("198.51.100.1"));
        assertTrue(counts.refusal("198.51.100.2").isPresent());
    }

    @Test
    void anIpv6ClientIsItsSlash64AndAnIpv4ClientItsAddress() {
        assertEquals("2001:0db8:0001:0002::/64",
                LoginThrottle.client(SocketAddress.inetSocketAddress(1, "2001:db8:1:2:aaaa::1")));
        assertEquals("2001:0db8:0001:0002::/64",
                LoginThrottle.client(SocketAddress.inetSocketAddress(1, "2001:db8:1:2:bbbb::7")));
        assertEquals("192.0.2.1", LoginThrottle.client(SocketAddress.inetSocketAddress(1, "192.0.2.1")));
        assertEquals("192.0.2.1", LoginThrottle.client(SocketAddress.inetSocketAddress(1, "::ffff:192.0.2.1")));
    }
}
