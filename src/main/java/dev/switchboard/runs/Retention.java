package dev.switchboard.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.switchboard.core.Failures;
import dev.switchboard.core.ThrottledWarning;

/**
 * Purges what is past retention, so that the event and key tables stay the size of the retention
 * window. Only settled events go: processed or ignored, with every run succeeded or discarded. An
 * event never consumed (RECEIVED), one whose evaluation failed (FAILED) or one with a run still
 * pending, running, failed or dead is kept however old, and counted in the log, because it is
 * work nobody has done yet.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final ThrottledWarning warning = new ThrottledWarning("Retention cannot purge now, nor until its next interval");

    @Inject
    RetentionConfig config;

    @Inject
    EntityManager entityManager;

    @Inject
    Retention self;

    @Scheduled(every = "${switchboard.retention.interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void purge() {
        try {
            purgeAll();
        } catch (RuntimeException e) {
            // The database is away, mostly: the next interval tries again. Left to the scheduler
            // it would be an ERROR with a stack trace.
            warning.log(Failures.root(e));
        }
    }

    private void purgeAll() {
        long events = 0;
        long keys = 0;
        for (int deleted = config.batch(); deleted == config.batch(); events += deleted) {
            deleted = self.purgeEvents();
        }
        for (int deleted = config.batch(); deleted == config.batch(); keys += deleted) {
            deleted = self.purgeKeys();
        }
        if (events + keys > 0) {
            LOG.infof("Retention: purged %d event(s) and %d idempotency key(s)", events, keys);
        }
        Kept kept = self.kept();
        if (kept.total() > 0) {
            LOG.warnf("Retention kept %d event(s) past retention that are not settled: %d never consumed (RECEIVED),"
                    + " %d FAILED, %d with runs not finished; reprocess, replay or discard them (see docs/runs-and-dead-letters.md,"
                    + " Retention)", kept.total(), kept.received(), kept.failed(), kept.unsettledRuns());
        }
    }

    /** Events past retention that the purge keeps because they are not settled. */
    public record Kept(long received, long failed, long unsettledRuns) {
        long total() {
            return received + failed + unsettledRuns;
        }
    }

    @Transactional
    Kept kept() {
        Object[] counts = (Object[]) entityManager.createNativeQuery("""
                select count(*) filter (where e.state = 'RECEIVED'),
                       count(*) filter (where e.state = 'FAILED'),
                       count(*) filter (where e.state in ('PROCESSED', 'IGNORED'))
                from event e
                where e.received_at < now() - make_interval(secs => :age)
                  and (e.state in ('RECEIVED', 'FAILED') or exists (select 1 from action_run r
                       where r.event_id = e.id and r.state in ('PENDING', 'RUNNING', 'FAILED', 'DEAD')))
                """).setParameter("age", (double) config.events().toSeconds()).getSingleResult();
        return new Kept(((Number) counts[0]).longValue(), ((Number) counts[1]).longValue(),
                ((Number) counts[2]).longValue());
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int purgeEvents() {
        return entityManager.createNativeQuery("""
                with old as (
                    select e.id from event e
                    where e.received_at < now() - make_interval(secs => :age)
                      and e.state in ('PROCESSED', 'IGNORED')
                      and not exists (select 1 from action_run r where r.event_id = e.id
                                      and r.state in ('PENDING', 'RUNNING', 'FAILED', 'DEAD'))
                    limit :batch),
                attempts as (delete from action_attempt where run_id in
                    (select id from action_run where event_id in (select id from old))),
                runs as (delete from action_run where event_id in (select id from old))
                delete from event where id in (select id from old)
                """).setParameter("age", (double) config.events().toSeconds()).setParameter("batch", config.batch())
                .executeUpdate();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int purgeKeys() {
        return entityManager.createNativeQuery("""
                delete from idempotency_key where ctid in (
                    select ctid from idempotency_key where created_at < now() - make_interval(secs => :age) limit :batch)
                """).setParameter("age", (double) config.idempotencyKeys().toSeconds())
                .setParameter("batch", config.batch()).executeUpdate();
    }
}
