package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The last hour's deliveries per source: what is older than an hour no longer counts. */
class RecentDeliveriesTest {

    Instant now = Instant.parse("2026-11-29T12:00:30Z");

    RecentDeliveries recent = new RecentDeliveries();

    void at(Duration later) {
        recent.clock = Clock.fixed(now.plus(later), ZoneOffset.UTC);
    }

    @Test
    void countsTheLastHourPerSource() {
        at(Duration.ZERO);
        recent.received("a");
        recent.received("a");
        recent.refused("a");
        recent.received("b");
        at(Duration.ofMinutes(30));
        recent.received("a");
        assertEquals(new RecentDeliveries.Counts(3, 1), recent.of("a"));
        assertEquals(new RecentDeliveries.Counts(1, 0), recent.of("b"));
        assertEquals(RecentDeliveries.Counts.NONE, recent.of("never-sent"));

        at(Duration.ofMinutes(59));
        assertEquals(new RecentDeliveries.Counts(3, 1), recent.of("a"));
        at(Duration.ofMinutes(60));
        assertEquals(new RecentDeliveries.Counts(1, 0), recent.of("a"), "the first minute has left the window");
        // The first minute's slot, reused an hour later, starts again from zero.
        recent.received("a");
        assertEquals(new RecentDeliveries.Counts(2, 0), recent.of("a"));
        at(Duration.ofMinutes(150));
        assertEquals(RecentDeliveries.Counts.NONE, recent.of("a"));
    }
}
