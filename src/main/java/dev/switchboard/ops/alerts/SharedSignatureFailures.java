package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Signature failures per source over all replicas. Each replica counts its own in memory (on the
 * ingest path, which should not write to the database for every rejected request) and reports
 * them here at every check; the sum of the reports still fresh is what the alert decides on. A
 * replica that stops reporting stops counting once its report is stale.
 */
@ApplicationScoped
public class SharedSignatureFailures {

    private final UUID replica = UUID.randomUUID();

    @Inject
    EntityManager entityManager;

    /** Reports this replica's counts; returns the sums per source of every fresh report. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Map<String, Long> report(Map<String, Integer> mine, Duration fresh) {
        entityManager.createNativeQuery("""
                delete from signature_failure_count where replica = :replica or reported_at < now() - interval '1 day'
                """).setParameter("replica", replica).executeUpdate();
        mine.forEach((source, failures) -> {
            if (failures > 0) {
                entityManager.createNativeQuery("""
                        insert into signature_failure_count (replica, source, failures) values (:replica, :source, :failures)
                        """).setParameter("replica", replica).setParameter("source", source)
                        .setParameter("failures", failures).executeUpdate();
            }
        });
        List<Object[]> rows = entityManager.createNativeQuery("""
                select source, sum(failures) from signature_failure_count
                where reported_at > now() - make_interval(secs => :fresh) group by source
                """).setParameter("fresh", fresh.toMillis() / 1000.0).getResultList();
        Map<String, Long> sums = new HashMap<>();
        rows.forEach(row -> sums.put((String) row[0], ((Number) row[1]).longValue()));
        return sums;
    }
}
