package dev.switchboard.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recent signature failures per source, in this replica: the input of the "signature failures
 * over a threshold" alert. Counted in ten-second buckets over the last hour, a fixed few
 * kilobytes per configured source however many failures a sender provokes (an entry per failure
 * let a flood of bad signatures grow the heap for an hour). A window is counted in whole
 * buckets, so it may include up to ten seconds more than asked.
 */
@ApplicationScoped
public class SignatureFailures {

    static final long BUCKET_SECONDS = 10;
    static final int BUCKETS = (int) (Duration.ofHours(1).toSeconds() / BUCKET_SECONDS);

    private final Map<String, Buckets> failures = new ConcurrentHashMap<>();

    Clock clock = Clock.systemUTC();

    void record(String source) {
        failures.computeIfAbsent(source, name -> new Buckets()).add(bucketNow());
    }

    public int within(String source, Duration window) {
        Buckets buckets = failures.get(source);
        if (buckets == null) {
            return 0;
        }
        long now = bucketNow();
        long first = now - Math.min(BUCKETS - 1, window.toSeconds() / BUCKET_SECONDS);
        return (int) buckets.between(first, now);
    }

    private long bucketNow() {
        return clock.millis() / 1000 / BUCKET_SECONDS;
    }

    /** A ring of counters, each stamped with the bucket it counts; a stale slot is reset when reused. */
    private static final class Buckets {

        private final long[] stamps = new long[BUCKETS];
        private final long[] counts = new long[BUCKETS];

        synchronized void add(long bucket) {
            int slot = (int) (bucket % BUCKETS);
            if (stamps[slot] != bucket) {
                stamps[slot] = bucket;
                counts[slot] = 0;
            }
            counts[slot]++;
        }

        synchronized long between(long first, long last) {
            long sum = 0;
            for (int slot = 0; slot < BUCKETS; slot++) {
                if (stamps[slot] >= first && stamps[slot] <= last) {
                    sum += counts[slot];
                }
            }
            return sum;
        }
    }
}
