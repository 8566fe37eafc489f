package dev.switchboard.ops.alerts;

import java.time.Instant;
import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * When each expectation began to be watched, kept in the database: an expectation whose event
 * never came is missed D after that, however often the hub restarted in between. Changing what
 * an expectation watches for starts its watch again.
 */
@ApplicationScoped
public class ExpectationWatches {

    @Inject
    EntityManager entityManager;

    @Transactional
    public Instant since(String name, AlertsConfig.Expectation expectation) {
        String definition = expectation.type() + " from " + expectation.source().orElse("any source");
        Object since = entityManager.createNativeQuery("""
                insert into alert_watch (name, definition) values (:name, :definition)
                on conflict (name) do update set definition = excluded.definition,
                    since = case when alert_watch.definition = excluded.definition then alert_watch.since else now() end
                returning since
                """).setParameter("name", name).setParameter("definition", definition).getSingleResult();
        return since instanceof OffsetDateTime time ? time.toInstant() : (Instant) since;
    }
}
