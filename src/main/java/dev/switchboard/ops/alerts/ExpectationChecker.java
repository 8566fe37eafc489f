package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.quarkus.scheduler.Scheduled;

/**
 * Checks the expectations: when an expected event type has not arrived within its interval
 * (counted from its last arrival, or from the hub's start when it never came), an incident opens
 * and one alert goes out; the next arrival resolves it with one notice.
 */
@ApplicationScoped
public class ExpectationChecker {

    private final Instant started = Instant.now();

    @Inject
    AlertsConfig config;

    @Inject
    Alerts alerts;

    @Inject
    EntityManager entityManager;

    @Scheduled(every = "${switchboard.alerts.check-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        Instant now = Instant.now();
        config.expectations().forEach((name, expectation) -> {
            Instant last = lastArrival(expectation);
            Instant since = last == null ? started : last;
            String incident = "expectation:" + name;
            if (Duration.between(since, now).compareTo(expectation.every()) > 0) {
                alerts.raise(incident, "expectation", "Expected " + expectation.type()
                        + expectation.source().map(source -> " from " + source).orElse("") + " at least every "
                        + expectation.every(), last == null ? "none has arrived since the hub started at " + started
                        : "the last arrived at " + last);
            } else {
                alerts.clear(incident);
            }
        });
    }

    @Transactional
    Instant lastArrival(AlertsConfig.Expectation expectation) {
        Object last = entityManager.createNativeQuery("""
                select max(received_at) from event where type = :type and (cast(:source as text) is null or source = :source)
                """).setParameter("type", expectation.type()).setParameter("source", expectation.source().orElse(null))
                .getSingleResult();
        return last instanceof OffsetDateTime time ? time.toInstant() : last instanceof Instant instant ? instant : null;
    }
}
