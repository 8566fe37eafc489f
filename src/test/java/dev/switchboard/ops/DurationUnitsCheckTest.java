package dev.switchboard.ops;

import static dev.switchboard.support.ConfigChecks.sortedMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A duration written without its unit is refused by name, whichever setting it is, rather than read as seconds. */
class DurationUnitsCheckTest {

    @Test
    void aBareNumberIsRefusedForEveryDurationOfTheHub() {
        // retention.events=30 meant days: read as 30 seconds, it purged the month's events within a minute;
        // linger=5 meant milliseconds, and held every acceptance for 5 seconds.
        assertEquals(List.of(
                "switchboard.batch.accept.linger=5: '5' needs a unit, such as 5s, 5m, 5h or 5d",
                "switchboard.expectations.payroll.every=+25: '+25' needs a unit, such as +25s, +25m, +25h or +25d",
                "switchboard.retention.events=30: '30' needs a unit, such as 30s, 30m, 30h or 30d",
                "switchboard.sources.shop.tolerance=300: '300' needs a unit, such as 300s, 300m, 300h or 300d"),
                sortedMessages(new DurationUnitsCheck(), Map.of("switchboard.retention.events", "30",
                        "switchboard.expectations.payroll.every", "+25", "switchboard.batch.accept.linger", "5",
                        "switchboard.sources.shop.tolerance", "300", "switchboard.runs.workers", "5")));
    }

    @Test
    void durationsWithUnitsZeroAndOtherSettingsPass() {
        assertEquals(List.of(), sortedMessages(new DurationUnitsCheck(), Map.of("switchboard.retention.events", "30d",
                "switchboard.batch.accept.linger", "0", "switchboard.log.repeat-window", "500ms",
                "switchboard.runs.claim-timeout", "PT2M", "switchboard.stream.consumers", "4")));
    }
}
