package dev.switchboard.ops.web;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Failures per key (a client's address, a user name) over a sliding window, in a fixed few hundred
 * kilobytes however many keys senders make up: each of ten time buckets holds two rows of counters,
 * and a key counts in one counter of each row, picked by two hashes (a count-min sketch). Keys that
 * share a counter add up, so a count can be too high, never too low: a flood of failures under
 * thousands of made-up names may refuse a client early, but no number of names lets one guess more.
 */
final class FailureCounts {

    static final int BUCKETS = 10;
    static final int WIDTH = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int limit;
    private final long bucketMillis;
    private final Clock clock;
    /** Per hash row, per bucket slot, per counter. */
    private final int[][][] counts = new int[2][BUCKETS][WIDTH];
    private final long[] stamps = new long[BUCKETS];
    /** Secret seeds, so that nobody can pick names that share a counter with someone else's. */
    private final long[] seeds = {RANDOM.nextLong(), RANDOM.nextLong()};

    /**
     * @param limit failures within {@code window} from which the key is refused
     */
    FailureCounts(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
        this.clock = clock;
        Arrays.fill(stamps, -1);
    }

    synchronized void add(String key) {
        long bucket = clock.millis() / bucketMillis;
        int slot = slotOf(bucket);
        for (int row = 0; row < 2; row++) {
            int[] counters = counts[row][slot];
            int index = index(row, key);
            counters[index] = Math.min(Integer.MAX_VALUE - 1, counters[index]) + 1;
        }
    }

    /**
     * How long {@code key} is refused: empty while it has fewer than {@code limit} failures in the
     * window, otherwise until enough of them have left it.
     */
    synchronized Optional<Duration> refusal(String key) {
        long now = clock.millis();
        long current = now / bucketMillis;
        int[] perBucket = new int[BUCKETS];
        long total = 0;
        for (int age = 0; age < BUCKETS; age++) { // age 0 is the oldest bucket of the window
            long bucket = current - (BUCKETS - 1) + age;
            int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
            if (stamps[slot] == bucket) {
                perBucket[age] = Math.min(counts[0][slot][index(0, key)], counts[1][slot][index(1, key)]);
                total += perBucket[age];
            }
        }
        if (total < limit) {
            return Optional.empty();
        }
        // The oldest buckets leave the window one by one; refused until the count is below the limit.
        for (int age = 0; age < BUCKETS; age++) {
            total -= perBucket[age];
            if (total < limit) {
                long leaves = (current - (BUCKETS - 1) + age + BUCKETS) * bucketMillis;
                return Optional.of(Duration.ofMillis(Math.max(1, leaves - now)));
            }
        }
        throw new IllegalStateException("unreachable: the counts add up to the total");
    }

    /** The slot of {@code bucket}, emptied first if it still holds an older bucket. */
    private int slotOf(long bucket) {
        int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
        if (stamps[slot] != bucket) {
            stamps[slot] = bucket;
            Arrays.fill(counts[0][slot], 0);
            Arrays.fill(counts[1][slot], 0);
        }
        return slot;
    }

    /** FNV-1a over the key's bytes, started from the row's secret seed and mixed (SplitMix64's finalizer). */
    private int index(int row, String key) {
        long hash = seeds[row] ^ 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        hash ^= hash >>> 31;
        return (int) Math.floorMod(hash, (long) WIDTH);
    }
}
