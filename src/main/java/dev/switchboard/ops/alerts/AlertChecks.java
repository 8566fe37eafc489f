package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.quarkus.scheduler.Scheduled;

import dev.switchboard.connect.PortBindings;
import dev.switchboard.ingest.SignatureFailures;
import dev.switchboard.ingest.WebhookSources;

/**
 * The alerts that fire by themselves, checked every {@code switchboard.alerts.check-interval}:
 * <ul>
 * <li>an expected event type that has not arrived within its interval (counted from its last
 * arrival, or from when it was first watched, over restarts); the next arrival resolves it;</li>
 * <li>a port whose attempts failed more than the threshold in the window, from the database, so
 * over all replicas; it resolves when the rate falls back;</li>
 * <li>a source with more signature failures than the threshold in the window, over all
 * replicas (see SharedSignatureFailures).</li>
 * </ul>
 * A dead run alerts when it goes DEAD (see DeadLetters); its incident resolves here once the run
 * succeeded after a replay, was discarded or is gone, whichever replica or path did it.
 * Each opens an incident, which alerts once, and sends one notice when it resolves.
 */
@ApplicationScoped
public class AlertChecks {

    @Inject
    AlertsConfig config;

    @Inject
    Alerts alerts;

    @Inject
    EntityManager entityManager;

    @Inject
    WebhookSources sources;

    @Inject
    SignatureFailures signatureFailures;

    @Inject
    SharedSignatureFailures sharedSignatureFailures;

    @Inject
    ExpectationWatches watches;

    @Inject
    PortBindings ports;

    @Scheduled(every = "${switchboard.alerts.check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        alerts.sendUnnoticed();
        checkExpectations();
        checkPorts();
        checkSignatures();
        checkDeadRuns();
    }

    void checkDeadRuns() {
        settledDeadRuns().forEach(alerts::clear);
    }

    /** Open dead-run incidents whose run succeeded, was discarded, or is gone. */
    @Transactional
    @SuppressWarnings("unchecked")
    List<String> settledDeadRuns() {
        return entityManager.createNativeQuery("""
                select i.incident from alert_incident i
                left join action_run r on r.id = cast(substr(i.incident, length(:prefix) + 1) as uuid)
                where i.resolved_at is null and i.incident like :prefix || '%'
                  and (r.id is null or r.state in ('SUCCEEDED', 'DISCARDED'))
                """).setParameter("prefix", Alerts.DEAD_RUN_PREFIX).getResultList();
    }

    void checkPorts() {
        AlertsConfig.Alerts limits = config.alerts();
        Map<String, long[]> attempts = portAttempts(limits.portWindow());
        for (String port : ports.names()) {
            long[] counts = attempts.getOrDefault(port, new long[2]);
            double rate = counts[0] == 0 ? 0 : (double) counts[1] / counts[0];
            if (counts[0] >= limits.portMinAttempts() && rate > limits.portFailureRate()) {
                alerts.raise("port-failure:" + port, "port-failure", "Port " + port + " is failing",
                        counts[1] + " of " + counts[0] + " attempts failed in the last " + limits.portWindow());
            } else {
                alerts.clear("port-failure:" + port);
            }
        }
    }

    void checkSignatures() {
        AlertsConfig.Alerts limits = config.alerts();
        Map<String, Integer> mine = new HashMap<>();
        sources.all().keySet().forEach(source -> mine.put(source,
                signatureFailures.within(source, limits.signatureWindow())));
        // A report missed by a check or two is still counted.
        Map<String, Long> all = sharedSignatureFailures.report(mine, limits.checkInterval().multipliedBy(3));
        for (String source : sources.all().keySet()) {
            long failures = all.getOrDefault(source, 0L);
            if (failures > limits.signatureFailures()) {
                alerts.raise("signature-failures:" + source, "signature-failures", "Source " + source
                        + " receives requests with bad signatures", failures + " in the last "
                        + limits.signatureWindow() + " (a rotated secret, or someone probing the endpoint)");
            } else {
                alerts.clear("signature-failures:" + source);
            }
        }
    }

    @Transactional
    @SuppressWarnings("unchecked")
    Map<String, long[]> portAttempts(Duration window) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select r.port, count(*), count(*) filter (where a.outcome <> 'SUCCEEDED')
                from action_attempt a join action_run r on r.id = a.run_id
                where a.started_at > now() - make_interval(secs => :window) group by r.port
                """).setParameter("window", (double) window.toSeconds()).getResultList();
        Map<String, long[]> counts = new HashMap<>();
        rows.forEach(row -> counts.put((String) row[0],
                new long[] {((Number) row[1]).longValue(), ((Number) row[2]).longValue()}));
        return counts;
    }

    void checkExpectations() {
        config.expectations().forEach((name, expectation) -> {
            Arrival arrival = lastArrival(expectation);
            Instant last = arrival.last();
            Instant now = arrival.now();
            Instant watched = watches.since(name, expectation);
            Instant since = last == null || last.isBefore(watched) ? watched : last;
            String incident = "expectation:" + name;
            if (Duration.between(since, now).compareTo(expectation.every()) > 0) {
                alerts.raise(incident, "expectation", "Expected " + expectation.type()
                        + expectation.source().map(source -> " from " + source).orElse("") + " at least every "
                        + expectation.every(), last == null ? "none has arrived since it was first watched at "
                        + watched : "the last arrived at " + last);
            } else {
                alerts.clear(incident);
            }
        });
    }

    /** The last arrival of an expected event, and the time now, both on the database's clock that stamped it. */
    record Arrival(Instant last, Instant now) {
    }

    @Transactional
    Arrival lastArrival(AlertsConfig.Expectation expectation) {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                select max(received_at), now() from event
                where type = :type and (cast(:source as text) is null or source = :source)
                """).setParameter("type", expectation.type()).setParameter("source", expectation.source().orElse(null))
                .getSingleResult();
        return new Arrival(instant(row[0]), instant(row[1]));
    }

    private static Instant instant(Object value) {
        return value instanceof OffsetDateTime time ? time.toInstant() : value instanceof Instant instant ? instant : null;
    }
}
