package dev.switchboard.runs;

import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.switchboard.core.Durations;

/**
 * Each replica's heartbeat in the database, once a second, so that the runs a killed replica had
 * claimed are retried after {@code switchboard.runs.replica-timeout} of silence rather than when
 * their claims expire (Quartz's cluster check-in, for the same reason). Owns {@code replica_beat}.
 *
 * <p>A replica ends other replicas' claims only once its own beats have gone through for a whole
 * timeout: after a database outage every replica's last beat is old, and the live ones must have
 * had the time to beat again before anyone counts them as gone. A replica that stops cleanly marks
 * itself gone once its attempts under way have ended ({@link RunDispatcher}), so what it leaves is
 * retried at once.
 */
@ApplicationScoped
public class ReplicaBeats {

    private static final Logger LOG = Logger.getLogger(ReplicaBeats.class);

    private static final String BEAT = """
            insert into replica_beat (node, beat_at) values (?, now())
            on conflict (node) do update set beat_at = now()
            """;

    private static final String GONE = "update replica_beat set beat_at = '-infinity' where node = ?";

    /**
     * Replicas silent for a day, or gone, are forgotten once their claims have ended (this runs
     * after the claims of silent replicas were ended): the table stays the size of the fleet.
     */
    private static final String FORGET = "delete from replica_beat where beat_at < now() - interval '1 day'";

    @Inject
    DataSource dataSource;

    @Inject
    RunLedger ledger;

    @Inject
    RunsConfig config;

    private final ThrottledWarning warning = new ThrottledWarning("This replica's heartbeat failed");
    /** Since when (System.nanoTime) every beat has gone through; 0 after a failed one. */
    private volatile long beatingSince;

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        long now = System.nanoTime();
        try {
            Statements.update(dataSource, BEAT, RunDispatcher.NODE);
            if (beatingSince == 0) {
                beatingSince = now;
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
            beatingSince = 0;
            warning.log(e);
        }
    }

    /** This replica has stopped taking and executing runs: the claims it still holds are anyone's. */
    void gone() {
        try {
            Statements.update(dataSource, GONE, RunDispatcher.NODE);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Could not mark this replica gone; its claims are retried after %s: %s",
                    Durations.format(config.replicaTimeout()), e.getMessage());
        }
    }
}
