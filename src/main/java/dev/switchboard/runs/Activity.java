package dev.switchboard.runs;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The figures of events, runs and attempts that the dashboard's overview and the sources API show:
 * the last day's totals, hourly series by source or port, each source's and port's health; the only
 * reader of these tables for the dashboard's figures. One class rather than a method in each owner
 * (EventLog, RunOperations), because a figure is one statement across the tables (an attempt's
 * source is its run's event's; {@link Breakdown} picks the joins a chart's labels need): split by
 * owner, one would read the other's table anyway, or rows would be joined in Java at every refresh.
 */
@ApplicationScoped
public class Activity {

    /** Per named source: the last day's events and failures, the last event ever (see {@link #sources}). */
    static final String SOURCES = """
            select s.name, d.received, d.failed,
                   (select max(e.received_at) from event e where e.source = s.name)
            from unnest(cast(:names as text[])) s(name)
            cross join lateral (
                select count(*) as received, count(*) filter (where e.state = 'FAILED') as failed
                from event e where e.source = s.name and e.received_at > now() - interval '1 day') d
            order by s.name""";

    /** Per named port: its attempts and failures, last failure, last success, ever called (see {@link #ports}). */
    static final String PORTS = """
            with day as (
                -- Each attempt's port by its run's key, never by joining (and so reading) every run.
                select (select r.port from action_run r where r.id = a.run_id) as port, a.started_at,
                       a.outcome <> 'SUCCEEDED' as failed, coalesce(a.error_message, a.error_class) as error
                from action_attempt a
                where a.started_at > now() - interval '1 day'),
            recent as (
                select port, count(*) filter (where started_at > now() - interval '1 hour') as attempts,
                       count(*) filter (where started_at > now() - interval '1 hour' and failed) as failures,
                       max(started_at) filter (where failed) as failed_at,
                       (array_agg(error order by started_at desc) filter (where failed))[1] as error
                from day group by port)
            select p.name, recent.attempts, recent.failures,
                   (select max(r.updated_at) from action_run r where r.port = p.name and r.state = 'SUCCEEDED'),
                   recent.failed_at, recent.error,
                   exists (select 1 from action_run r where r.port = p.name)
            from unnest(cast(:names as text[])) p(name)
            left join recent on recent.port = p.name
            order by p.name""";

    @Inject
    EntityManager entityManager;

    /** One hour of a chart: received, succeeded and failed attempts, runs gone dead. */
    public record Hour(String hour, long received, long succeeded, long failed, long dead) {
    }

    /** A source's last day: events received, failed, and the last arrival ever (null: none). */
    public record SourceHealth(String source, long received, long failed, OffsetDateTime lastEvent) {
    }

    /**
     * A port's last hour (attempts, failed attempts), its last failure of the last day with its
     * error message, its last success ever, and whether it was ever called.
     */
    public record PortHealth(String port, long attempts, long failures, OffsetDateTime lastSuccess,
            OffsetDateTime lastFailure, String lastError, boolean called) {
    }

    /**
     * The last day's figures. The event counts are of the events senders sent: the hub's own (its
     * alerts, the events of user routes such as reconciliations) are counted apart, in {@code own},
     * so that a busy alerting hour does not read as business.
     */
    public record Totals(long received, long processed, long ignored, long failedEvents, long succeeded,
            long failedRuns, long dead, long own) {
    }

    /** @param ownSources the sources of the hub's own events: counted in {@link Totals#own()} only */
    @Transactional
    public Totals totals(Collection<String> ownSources) {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                with day as (
                    select state, source = any (cast(:own as text[])) as own from event
                    where received_at > now() - interval '1 day')
                select (select count(*) from day where not own),
                       (select count(*) from day where not own and state = 'PROCESSED'),
                       (select count(*) from day where not own and state = 'IGNORED'),
                       (select count(*) from day where not own and state = 'FAILED'),
                       (select count(*) from action_run where updated_at > now() - interval '1 day' and state = 'SUCCEEDED'),
                       (select count(*) from action_run where state = 'FAILED'),
                       (select count(*) from action_run where state = 'DEAD'),
                       (select count(*) from day where own)
                """).setParameter("own", ownSources.toArray(String[]::new)).getSingleResult();
        return new Totals(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]),
                number(row[5]), number(row[6]), number(row[7]));
    }

    /**
     * What the last day's charts are broken down by. Each says how to count the four series per
     * label: received (for a port, the runs sent to it), succeeded and failed attempts, runs gone
     * dead. It joins only the tables its label needs, as these run at every refresh.
     */
    public enum Breakdown {
        ALL("'all'", "event e", "e.received_at", "action_attempt a", "action_run r"),
        SOURCE("e.source", "event e", "e.received_at",
                "action_attempt a join action_run r on r.id = a.run_id join event e on e.id = r.event_id",
                "action_run r join event e on e.id = r.event_id"),
        PORT("r.port", "action_run r", "r.created_at", "action_attempt a join action_run r on r.id = a.run_id",
                "action_run r");

        final String label;
        final String received;
        final String receivedAt;
        final String attempts;
        final String runs;

        Breakdown(String label, String received, String receivedAt, String attempts, String runs) {
            this.label = label;
            this.received = received;
            this.receivedAt = receivedAt;
            this.attempts = attempts;
            this.runs = runs;
        }
    }

    /** Per label (source, port, or "all") and hour of the last day, the four series. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Map<String, List<Hour>> lastDay(Breakdown by) {
        Map<String, Map<String, long[]>> counts = new TreeMap<>();
        String hour = "to_char(date_trunc('hour', %s), 'MM-DD HH24:00')";
        List<Object[]> received = entityManager.createNativeQuery("select " + by.label + ", "
                + hour.formatted(by.receivedAt) + ", count(*) from " + by.received + " where " + by.receivedAt
                + " > now() - interval '1 day' group by 1, 2").getResultList();
        received.forEach(row -> counts(counts, row)[0] = number(row[2]));
        List<Object[]> attempts = entityManager.createNativeQuery("select " + by.label + ", "
                + hour.formatted("a.started_at") + ", count(*) filter (where a.outcome = 'SUCCEEDED'), "
                + "count(*) filter (where a.outcome <> 'SUCCEEDED') from " + by.attempts
                + " where a.started_at > now() - interval '1 day' group by 1, 2").getResultList();
        attempts.forEach(row -> {
            long[] hourCounts = counts(counts, row);
            hourCounts[1] = number(row[2]);
            hourCounts[2] = number(row[3]);
        });
        List<Object[]> dead = entityManager.createNativeQuery("select " + by.label + ", "
                + hour.formatted("r.updated_at") + ", count(*) from " + by.runs
                + " where r.state = 'DEAD' and r.updated_at > now() - interval '1 day' group by 1, 2").getResultList();
        dead.forEach(row -> counts(counts, row)[3] = number(row[2]));
        Map<String, List<Hour>> series = new TreeMap<>();
        counts.forEach((label, hours) -> series.put(label, hours.entrySet().stream().map(entry -> new Hour(
                entry.getKey(), entry.getValue()[0], entry.getValue()[1], entry.getValue()[2], entry.getValue()[3]))
                .toList()));
        return series;
    }

    private static long[] counts(Map<String, Map<String, long[]>> counts, Object[] row) {
        return counts.computeIfAbsent((String) row[0], label -> new TreeMap<>())
                .computeIfAbsent((String) row[1], hour -> new long[4]);
    }

    /**
     * The named sources, each with its last day's events and last event, also when it has none.
     * Per source, two lookups on the (source, received_at) index: at every refresh, whatever the
     * size of the event table.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<SourceHealth> sources(Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = entityManager.createNativeQuery(SOURCES)
                .setParameter("names", names.toArray(String[]::new)).getResultList();
        return rows.stream().map(row -> new SourceHealth((String) row[0], number(row[1]), number(row[2]),
                time(row[3]))).toList();
    }

    /**
     * The named ports: attempts and failures in the last hour, the last failure of the last day,
     * the last success, and whether any run was ever sent to it. The attempts come from one range
     * of the started_at index; the rest are index lookups per port.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<PortHealth> ports(Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = entityManager.createNativeQuery(PORTS)
                .setParameter("names", names.toArray(String[]::new)).getResultList();
        return rows.stream().map(row -> new PortHealth((String) row[0], number(row[1]), number(row[2]),
                time(row[3]), time(row[4]), (String) row[5], (Boolean) row[6])).toList();
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static OffsetDateTime time(Object value) {
        return value instanceof OffsetDateTime time ? time
                : value instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : null;
    }
}
