package dev.switchboard.ops.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** An alert names a period as the operator wrote it in the config, not in ISO-8601's PT30S. */
class AlertWordingTest {

    @Test
    void periodsReadAsTheyAreWrittenInTheConfig() {
        assertEquals("30s", AlertChecks.written(Duration.ofSeconds(30)));
        assertEquals("5m", AlertChecks.written(Duration.ofMinutes(5)));
        assertEquals("1h30m", AlertChecks.written(Duration.ofMinutes(90)));
        assertEquals("1d2h", AlertChecks.written(Duration.ofHours(26)));
        assertEquals("500ms", AlertChecks.written(Duration.ofMillis(500)));
    }
}
