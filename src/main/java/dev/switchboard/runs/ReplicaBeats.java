package dev.switchboard.runs;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.switchboard.boot.EmbeddedDatabase;
import dev.switchboard.core.Durations;
import dev.switchboard.core.ThrottledWarning;

/**
 * Each replica's heartbeat in the database, once a second, so that the runs a killed replica had
 * claimed are retried after {@code switchboard.runs.replica-timeout} of silence rather than when
 * their claims expire (Quartz's cluster check-in, for the same reason). Owns {@code replica_beat}.
 *
 * <p>A replica ends other replicas' claims only once its own beats have come through, one after
 * the other, for a whole timeout: after a database outage or stall every replica's last beat is
 * old, and the live ones must have had the time to beat again before anyone counts them as gone.
 * A replica that stops cleanly marks itself gone once its attempts under way have ended
 * ({@link RunDispatcher}), so that what it leaves is retried at once.
 *
 * <p>The beat also renews the claims of this replica's attempts whose calls have lasted half of
 * their claim ({@link AttemptsUnderWay}): a claim is a lease that ends when its replica stops
 * beating, not while its call is still under way.
 *
 * <p>On the embedded database every hub runs on this machine, so a claim of a process that no
 * longer runs here was left by a hub that was killed: it ends as soon as this one starts.
 *
 * <p>The beats run on a thread of their own, not as a {@code @Scheduled} job: those are paused as
 * the hub begins to stop, and a replica draining its last attempts must go on beating.
 */
@ApplicationScoped
public class ReplicaBeats {

    private static final Logger LOG = Logger.getLogger(ReplicaBeats.class);
    private static final Duration EVERY = Duration.ofSeconds(1);
    /** Beats further apart than this (a stalled database, a stalled process) start the count again. */
    private static final Duration MOST_APART = Duration.ofSeconds(3);
    /** What a replica that stopped writes: silent for any timeout, forgotten (below) a day after its last beat. */
    static final Duration GONE_AGO = Duration.ofHours(12);

    private static final String BEAT = """
            insert into replica_beat (node, beat_at) values (?, now())
            on conflict (node) do update set beat_at = now()
            """;

    private static final String GONE = "update replica_beat set beat_at = now() - make_interval(secs => ?) where node = ?";

    /** Replicas silent for a day are forgotten: the table stays the size of the fleet. */
    private static final String FORGET = "delete from replica_beat where beat_at < now() - interval '1 day'";

    @Inject
    DataSource dataSource;

    @Inject
    RunLedger ledger;

    @Inject
    RunsConfig config;

    @Inject
    AttemptsUnderWay underWay;

    private final ThrottledWarning warning = new ThrottledWarning("This replica's heartbeat failed");
    private ScheduledExecutorService beats;
    // Guarded by this: beat() and stop() take turns.
    private boolean stopped;
    private boolean leftBehindToEnd;
    /** Since when (System.nanoTime) beats have come through one after the other; 0 when they have not. */
    private long beatingSince;
    private long lastBeat;

    void start(@Observes StartupEvent event) {
        Duration timeout = config.replicaTimeout();
        if (timeout.compareTo(Duration.ofSeconds(2)) < 0 || timeout.compareTo(GONE_AGO) >= 0) {
            throw new IllegalArgumentException("switchboard.runs.replica-timeout must be at least 2s and less than"
                    + " 12h, not " + Durations.format(timeout));
        }
        leftBehindToEnd = EmbeddedDatabase.isRunning();
        beats = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "switchboard-replica-beat");
            thread.setDaemon(true);
            return thread;
        });
        beats.scheduleWithFixedDelay(this::beat, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops beating; {@code gone} when this replica's attempts have all ended, so that the claims
     * it still holds (none, or ones whose outcome could not be recorded) are anyone's at once.
     */
    synchronized void stop(boolean gone) {
        stopped = true;
        if (beats != null) {
            beats.shutdown();
        }
        if (gone) {
            try {
                Statements.update(dataSource, GONE, (double) GONE_AGO.toSeconds(), RunDispatcher.NODE);
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("Could not mark this replica gone; its claims are retried after %s: %s",
                        Durations.format(config.replicaTimeout()), e.getMessage());
            }
        }
    }

    synchronized void beat() {
        if (stopped) {
            return;
        }
        try {
            Statements.update(dataSource, BEAT, RunDispatcher.NODE);
        } catch (SQLException | RuntimeException e) {
            beatingSince = 0;
            warning.log(e);
            return;
        }
        long now = System.nanoTime();
        if (beatingSince == 0 || now - lastBeat > MOST_APART.toNanos()) {
            beatingSince = now;
        }
        lastBeat = now;
        try {
            if (leftBehindToEnd) {
                endClaimsLeftBehind();
                leftBehindToEnd = false;
            }
            if (now - beatingSince >= config.replicaTimeout().toNanos()) {
                int ended = ledger.endClaimsOfSilentReplicas(config.replicaTimeout());
                if (ended > 0) {
                    LOG.infof("%d run(s) claimed by replicas silent for over %s are retried now"
                            + " (switchboard.runs.replica-timeout)", ended, Durations.format(config.replicaTimeout()));
                }
                Statements.update(dataSource, FORGET);
            }
        } catch (SQLException | RuntimeException e) {
            warning.log(e);
        }
        try {
            renewClaimsUnderWay(now);
        } catch (RuntimeException e) {
            warning.log(e);
        }
    }

    /**
     * Renews the claims of this replica's attempts under way that have used half of their lease: a
     * call outlasting its claim would otherwise be made again while it is still under way.
     */
    private void renewClaimsUnderWay(long now) {
        Duration lease = config.claimTimeout();
        List<ClaimedRun> ending = underWay.endingWithin(lease.dividedBy(2));
        if (!ending.isEmpty()) {
            // Only what the database renewed: a claim this replica lost meanwhile stays lost.
            List<ClaimedRun> renewed = ledger.renewClaims(ending, lease);
            underWay.renewed(renewed, now, lease);
            if (!renewed.isEmpty()) {
                LOG.warnf("%d attempt(s) have been under way here for over half of switchboard.runs.claim-timeout"
                        + " (%s), their runs' claims renewed so that they are not called again while the calls last"
                        + " (a restart of this replica frees them): %s", renewed.size(), Durations.format(lease),
                        renewed.stream().map(run -> "run " + run.id() + " attempt " + run.attempt() + " on port '"
                                + run.port() + "'").toList());
            }
        }
    }

    /** On the embedded database: the claims of hubs of this machine that no longer run end now. */
    private void endClaimsLeftBehind() {
        List<String> gone = ledger.claimers().stream().filter(ReplicaBeats::goneFromThisMachine).toList();
        if (!gone.isEmpty()) {
            int ended = ledger.endClaimsOf(gone);
            LOG.infof("%d run(s) that an earlier process of this hub left under way are retried now", ended);
        }
    }

    /**
     * Whether a claimer ({@code pid@host/uuid}, as {@link RunDispatcher#NODE}) was a process of
     * this machine that no longer runs: its pid is gone, or is this process's under another name.
     * A pid taken again by another program reads as alive, and its claims wait for the timeout.
     */
    static boolean goneFromThisMachine(String claimer) {
        int at = claimer.indexOf('@');
        int slash = claimer.lastIndexOf('/');
        String self = RunDispatcher.NODE;
        if (at < 1 || slash < at || !claimer.substring(at, slash).equals(self.substring(self.indexOf('@'),
                self.lastIndexOf('/')))) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(claimer.substring(0, at));
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid == ProcessHandle.current().pid()) {
            return !claimer.equals(self);
        }
        return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    }
}
