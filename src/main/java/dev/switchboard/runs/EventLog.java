package dev.switchboard.runs;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
            values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), string_to_array(?, chr(10)), cast(? as text))
            """;

    /** Written with {@link Statements}: this is the hot path of every event. */
    @Inject
    DataSource dataSource;

    /** Records an event, with its envelope as serialized once by the caller, as received; part of the acceptance transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordReceived(CloudEvent event, String envelope) {
        insert(event, envelope, EventState.RECEIVED, null, UPSERT + " on conflict (id) do nothing", List.of(), null);
    }

    /**
     * Records what the rules made of an event: PROCESSED when rules matched, IGNORED when none did,
     * FAILED when a rule could not be evaluated. Records the event first if its acceptance never
     * committed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public EventState recordProcessed(CloudEvent event, String envelope, Evaluation evaluation) {
        EventState state = !evaluation.failures().isEmpty() ? EventState.FAILED
                : evaluation.matches().isEmpty() ? EventState.IGNORED : EventState.PROCESSED;
        insert(event, envelope, state, OffsetDateTime.now(ZoneOffset.UTC), UPSERT + """
                 on conflict (id) do update set state = excluded.state, processed_at = excluded.processed_at,
                     matched_rules = excluded.matched_rules, error = excluded.error
                 where event.state = 'RECEIVED'
                """, evaluation.matchedRuleIds(), evaluation.failures().isEmpty() ? null
                : String.join("; ", evaluation.failures()));
        return state;
    }

    private void insert(CloudEvent event, String envelope, EventState state, OffsetDateTime processedAt, String sql,
            List<String> matchedRules, String error) {
        Object deliveryId = event.getExtension(Envelopes.DELIVERY_ID);
        try {
            Statements.update(dataSource, sql, UUID.fromString(event.getId()), event.getSource().toString(),
                    deliveryId == null ? event.getId() : deliveryId.toString(), event.getType(), event.getSubject(),
                    event.getTime(), state.name(), processedAt, envelope, String.join("\n", matchedRules), error);
        } catch (SQLException e) {
            throw new IllegalStateException("Event " + event.getId() + " could not be recorded: " + e.getMessage(), e);
        }
    }
}
