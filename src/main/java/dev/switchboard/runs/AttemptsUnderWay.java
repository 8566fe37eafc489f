package dev.switchboard.runs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * This replica's attempts from their claim to their recorded outcome, with when each claim ends.
 * A claim is a lease: an attempt whose call outlasts half of it has it renewed by the replica's
 * heartbeat ({@link ReplicaBeats}), so a slow or hung downstream call is never made a second
 * time by another worker while it is still under way (a Kamelet or a JMS send cannot be
 * abandoned once started). Its claim ends only when its replica stops beating.
 */
@ApplicationScoped
public class AttemptsUnderWay {

    /** An attempt under way, and when (System.nanoTime) its claim ends if it is not renewed. */
    record Attempt(ClaimedRun run, long claimEnds) {
    }

    private final Map<String, Attempt> underWay = new ConcurrentHashMap<>();

    /** The attempt has just been claimed for {@code lease}. */
    void begin(ClaimedRun run, Duration lease) {
        underWay.put(run.attemptKey(), new Attempt(run, System.nanoTime() + lease.toNanos()));
    }

    /** Its outcome is recorded, or given up. */
    void end(ClaimedRun run) {
        underWay.remove(run.attemptKey());
    }

    /** When (System.nanoTime) the attempt's claim ends; now if it is not under way here. */
    long claimEnds(ClaimedRun run) {
        Attempt attempt = underWay.get(run.attemptKey());
        return attempt == null ? System.nanoTime() : attempt.claimEnds();
    }

    /** The attempts whose claims end within {@code within}: the ones to renew. */
    List<ClaimedRun> endingWithin(Duration within) {
        long horizon = System.nanoTime() + within.toNanos();
        // Compared as a difference: System.nanoTime may be any long, and wrap.
        return underWay.values().stream().filter(attempt -> attempt.claimEnds() - horizon < 0).map(Attempt::run).toList();
    }

    /** Their claims were renewed at {@code renewedAt} (System.nanoTime, taken before the renewal) for {@code lease}. */
    void renewed(List<ClaimedRun> runs, long renewedAt, Duration lease) {
        for (ClaimedRun run : runs) {
            underWay.computeIfPresent(run.attemptKey(), (key, attempt) -> new Attempt(run, renewedAt + lease.toNanos()));
        }
    }
}
