package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Signature failures are counted per ten-second bucket: a flood costs no memory, and old ones leave the window. */
class SignatureFailuresTest {

    @Test
    void twoHundredThousandFailuresAreCountedAndLeaveTheWindowAsTimePasses() {
        SignatureFailures failures = new SignatureFailures();
        Instant start = Instant.parse("2026-12-02T12:00:05Z");
        failures.clock = Clock.fixed(start, ZoneOffset.UTC);
        for (int i = 0; i < 200_000; i++) {
            failures.record("shop");
        }
        failures.clock = Clock.fixed(start.plusSeconds(30), ZoneOffset.UTC);
        failures.record("shop");

        assertEquals(200_001, failures.within("shop", Duration.ofMinutes(1)));
        assertEquals(1, failures.within("shop", Duration.ofSeconds(10)), "only the latest bucket");
        assertEquals(0, failures.within("github", Duration.ofMinutes(1)));

        failures.clock = Clock.fixed(start.plus(Duration.ofMinutes(2)), ZoneOffset.UTC);
        assertEquals(0, failures.within("shop", Duration.ofMinutes(1)));
        assertEquals(200_001, failures.within("shop", Duration.ofMinutes(5)));

        // An hour later the ring has come round: the old buckets are not counted again.
        failures.clock = Clock.fixed(start.plus(Duration.ofHours(1)).plusSeconds(40), ZoneOffset.UTC);
        failures.record("shop");
        assertEquals(1, failures.within("shop", Duration.ofHours(2)));
    }
}
