package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.cloudevents.CloudEvent;

import dev.switchboard.rules.Evaluation;
import dev.switchboard.stream.Envelopes;

/**
 * Writes event state. Both writes are upserts on the event id, because the two sides of the
 * stream can meet in either order: the consumer may see a message before the acceptance that
 * published it has committed (it then waits on the row), or, if that commit failed after the
 * send, before any row exists (it then records the event itself, and the sender's retry finds it).
 */
@ApplicationScoped
public class EventLog {

    private static final String UPSERT = """
            insert into event (id, source, delivery_id, type, subject, received_at, state, processed_at, envelope,
                matched_rules, error)
            values (:id, :source, :deliveryId, :type, :subject, :receivedAt, :state, :processedAt, cast(:envelope as jsonb),
                string_to_array(:matchedRules, chr(10)), cast(:error as text))
            """;

    @Inject
    EntityManager entityManager;

    /** Records an event as received; part of the acceptance transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordReceived(CloudEvent event) {
        insert(event, EventState.RECEIVED, null, UPSERT + " on conflict (id) do nothing");
    }

    /**
     * Records what the rules made of an event: PROCESSED when rules matched, IGNORED when none did,
     * FAILED when a rule could not be evaluated. Records the event first if its acceptance never
     * committed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public EventState recordProcessed(CloudEvent event, Evaluation evaluation) {
        EventState state = !evaluation.failures().isEmpty() ? EventState.FAILED
                : evaluation.matches().isEmpty() ? EventState.IGNORED : EventState.PROCESSED;
        insert(event, state, OffsetDateTime.now(ZoneOffset.UTC), UPSERT + """
                 on conflict (id) do update set state = excluded.state, processed_at = excluded.processed_at,
                     matched_rules = excluded.matched_rules, error = excluded.error
                 where event.state = 'RECEIVED'
                """, evaluation.matchedRuleIds(), evaluation.failures().isEmpty() ? null
                : String.join("; ", evaluation.failures()));
        return state;
    }

    private void insert(CloudEvent event, EventState state, OffsetDateTime processedAt, String sql) {
        insert(event, state, processedAt, sql, List.of(), null);
    }

    private void insert(CloudEvent event, EventState state, OffsetDateTime processedAt, String sql,
            List<String> matchedRules, String error) {
        Object deliveryId = event.getExtension(Envelopes.DELIVERY_ID);
        entityManager.createNativeQuery(sql)
                .setParameter("id", UUID.fromString(event.getId()))
                .setParameter("source", event.getSource().toString())
                .setParameter("deliveryId", deliveryId == null ? event.getId() : deliveryId.toString())
                .setParameter("type", event.getType())
                .setParameter("subject", event.getSubject())
                .setParameter("receivedAt", event.getTime())
                .setParameter("state", state.name())
                .setParameter("processedAt", processedAt)
                .setParameter("envelope", new String(Envelopes.serialize(event), StandardCharsets.UTF_8))
                .setParameter("matchedRules", String.join("\n", matchedRules))
                .setParameter("error", error)
                .executeUpdate();
    }
}
