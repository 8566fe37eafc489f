package dev.switchboard.ingest;

import java.time.Duration;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deliveries and refusals per source over the last hour, in this replica: the dashboard's source
 * error rate. The Micrometer counters count since the replica started, which says nothing about
 * now; refusals are never stored in the database, so this is the only recent count of them.
 * Kept per minute, so the memory per source is fixed whatever the traffic.
 */
@ApplicationScoped
public class RecentDeliveries {

    private static final int MINUTES = (int) Duration.ofHours(1).toMinutes();

    /** What a source was sent in the window: every delivery, and those refused. */
    public record Counts(long received, long refused) {
        public static final Counts NONE = new Counts(0, 0);
    }

    private final Map<String, Minutes> sources = new ConcurrentHashMap<>();

    /** Replaced by a fixed clock in RecentDeliveriesTest. */
    Clock clock = Clock.systemUTC();

    void received(String source) {
        sources.computeIfAbsent(source, name -> new Minutes()).add(now(), 1, 0);
    }

    void refused(String source) {
        sources.computeIfAbsent(source, name -> new Minutes()).add(now(), 0, 1);
    }

    public Counts of(String source) {
        Minutes minutes = sources.get(source);
        return minutes == null ? Counts.NONE : minutes.sum(now());
    }

    private long now() {
        return clock.instant().getEpochSecond() / 60;
    }

    /** A ring of per-minute counts; a slot holding an older minute is reset before reuse. */
    private static final class Minutes {
        private final long[] minute = new long[MINUTES];
        private final long[] received = new long[MINUTES];
        private final long[] refused = new long[MINUTES];

        synchronized void add(long now, long deliveries, long refusals) {
            int slot = (int) (now % MINUTES);
            if (minute[slot] != now) {
                minute[slot] = now;
                received[slot] = 0;
                refused[slot] = 0;
            }
            received[slot] += deliveries;
            refused[slot] += refusals;
        }

        synchronized Counts sum(long now) {
            long deliveries = 0;
            long refusals = 0;
            for (int slot = 0; slot < MINUTES; slot++) {
                if (now - minute[slot] < MINUTES) {
                    deliveries += received[slot];
                    refusals += refused[slot];
                }
            }
            return new Counts(deliveries, refusals);
        }
    }
}
