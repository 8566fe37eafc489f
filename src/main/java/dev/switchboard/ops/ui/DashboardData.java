package dev.switchboard.ops.ui;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** The numbers the dashboard's overview shows, straight from the event and run tables. */
@ApplicationScoped
public class DashboardData {

    @Inject
    EntityManager entityManager;

    /** Per hour of the last day: events received, runs succeeded, failed (attempts) and gone dead. */
    public record Hour(String hour, long received, long succeeded, long failed, long dead) {
    }

    /** A source's last day: events received, failed, and the last arrival. */
    public record SourceHealth(String source, long received, long failed, OffsetDateTime lastEvent) {
    }

    /** A port's last hour: attempts, failed attempts, and the last success ever. */
    public record PortHealth(String port, long attempts, long failures, OffsetDateTime lastSuccess) {

        public long errorRatePercent() {
            return attempts == 0 ? 0 : Math.round(failures * 100.0 / attempts);
        }
    }

    public record Totals(long received, long processed, long ignored, long failedEvents, long succeeded,
            long failedRuns, long dead) {
    }

    @Transactional
    public Totals totals() {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                select (select count(*) from event where received_at > now() - interval '1 day'),
                       (select count(*) from event where received_at > now() - interval '1 day' and state = 'PROCESSED'),
                       (select count(*) from event where received_at > now() - interval '1 day' and state = 'IGNORED'),
                       (select count(*) from event where received_at > now() - interval '1 day' and state = 'FAILED'),
                       (select count(*) from action_run where updated_at > now() - interval '1 day' and state = 'SUCCEEDED'),
                       (select count(*) from action_run where state = 'FAILED'),
                       (select count(*) from action_run where state = 'DEAD')
                """).getSingleResult();
        return new Totals(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]),
                number(row[5]), number(row[6]));
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<Hour> lastDay() {
        Map<String, long[]> hours = new TreeMap<>();
        List<Object[]> received = entityManager.createNativeQuery("""
                select to_char(date_trunc('hour', received_at), 'MM-DD HH24:00'), count(*) from event
                where received_at > now() - interval '1 day' group by 1""").getResultList();
        received.forEach(row -> hours.computeIfAbsent((String) row[0], hour -> new long[4])[0] = number(row[1]));
        List<Object[]> attempts = entityManager.createNativeQuery("""
                select to_char(date_trunc('hour', started_at), 'MM-DD HH24:00'),
                       count(*) filter (where outcome = 'SUCCEEDED'), count(*) filter (where outcome <> 'SUCCEEDED')
                from action_attempt where started_at > now() - interval '1 day' group by 1""").getResultList();
        attempts.forEach(row -> {
            long[] counts = hours.computeIfAbsent((String) row[0], hour -> new long[4]);
            counts[1] = number(row[1]);
            counts[2] = number(row[2]);
        });
        List<Object[]> dead = entityManager.createNativeQuery("""
                select to_char(date_trunc('hour', updated_at), 'MM-DD HH24:00'), count(*) from action_run
                where state = 'DEAD' and updated_at > now() - interval '1 day' group by 1""").getResultList();
        dead.forEach(row -> hours.computeIfAbsent((String) row[0], hour -> new long[4])[3] = number(row[1]));
        return hours.entrySet().stream().map(entry -> new Hour(entry.getKey(), entry.getValue()[0],
                entry.getValue()[1], entry.getValue()[2], entry.getValue()[3])).toList();
    }

    /** One line of a per-source or per-port chart: its counts by hour of the last day. */
    public record Series(String label, Map<String, Long> perHour) {
    }

    /** Events received per source and hour, over the last day. */
    @Transactional
    public List<Series> receivedBySource() {
        return series("""
                select source, to_char(date_trunc('hour', received_at), 'MM-DD HH24:00'), count(*) from event
                where received_at > now() - interval '1 day' group by 1, 2""");
    }

    /** Failed attempts per port and hour, over the last day. */
    @Transactional
    public List<Series> failuresByPort() {
        return series("""
                select r.port, to_char(date_trunc('hour', a.started_at), 'MM-DD HH24:00'), count(*)
                from action_attempt a join action_run r on r.id = a.run_id
                where a.started_at > now() - interval '1 day' and a.outcome <> 'SUCCEEDED' group by 1, 2""");
    }

    @SuppressWarnings("unchecked")
    private List<Series> series(String sql) {
        Map<String, Map<String, Long>> byLabel = new TreeMap<>();
        List<Object[]> rows = entityManager.createNativeQuery(sql).getResultList();
        rows.forEach(row -> byLabel.computeIfAbsent((String) row[0], label -> new TreeMap<>())
                .put((String) row[1], number(row[2])));
        return byLabel.entrySet().stream().map(entry -> new Series(entry.getKey(), entry.getValue())).toList();
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<SourceHealth> sources() {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select source, count(*) filter (where received_at > now() - interval '1 day'),
                       count(*) filter (where received_at > now() - interval '1 day' and state = 'FAILED'),
                       max(received_at)
                from event group by source order by source""").getResultList();
        return rows.stream().map(row -> new SourceHealth((String) row[0], number(row[1]), number(row[2]),
                time(row[3]))).toList();
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<PortHealth> ports() {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select r.port, count(a.*) filter (where a.started_at > now() - interval '1 hour'),
                       count(a.*) filter (where a.started_at > now() - interval '1 hour' and a.outcome <> 'SUCCEEDED'),
                       max(a.started_at) filter (where a.outcome = 'SUCCEEDED')
                from action_run r left join action_attempt a on a.run_id = r.id
                group by r.port order by r.port""").getResultList();
        return rows.stream().map(row -> new PortHealth((String) row[0], number(row[1]), number(row[2]),
                time(row[3]))).toList();
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static OffsetDateTime time(Object value) {
        return value instanceof OffsetDateTime time ? time
                : value instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : null;
    }
}
