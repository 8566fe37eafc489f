package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A period in a message (an alert, a refusal) reads as an operator writes it in the config, not as ISO-8601's PT30S. */
class DurationsTest {

    @Test
    void aPeriodIsWrittenInTheConfigsOwnFormAndReadsBackTheSame() {
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("26h", Durations.format(Duration.ofHours(26)));
        assertEquals("1d", Durations.format(Duration.ofDays(1)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        for (Duration period : List.of(Duration.ofSeconds(30), Duration.ofMinutes(90), Duration.ofHours(26),
                Duration.ofDays(1), Duration.ofMillis(1500))) {
            assertEquals(period, Durations.parse(Durations.format(period)), Durations.format(period));
        }
    }
}
