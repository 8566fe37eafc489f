package dev.switchboard.runs;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import io.cloudevents.CloudEvent;

import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.Durations;
import dev.switchboard.core.Tracing;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.stream.Envelopes;

/**
 * The owner of the event table and of the stream outbox: every write of event state, in batches.
 * An accepted event is written with its outbox row in the acceptance's transaction; the relay
 * takes outbox rows for the stream; the stream's consumer records what the rules made of each.
 */
@ApplicationScoped
public class EventLog {

    /**
     * An event's {@code received_at} is the database's clock when it was accepted, never a time the
     * sender gave (a queue message's own timestamp stays the CloudEvent's {@code time}): expectations
     * and retention compare it with the database's {@code now()}, and a message dated 2099 must not
     * look like a recent arrival for ever.
     */
    private static final String INSERT = """
            insert into event (id, source, delivery_id, type, subject, received_at, state, processed_at, envelope,
                matched_rules, error)
            values (?, ?, ?, ?, ?, now(), ?, ?, cast(? as jsonb), string_to_array(?, chr(10)), cast(? as text))
            """;

    private static final String OUTBOX = "insert into stream_outbox (event_id) values (?)";

    /**
     * Takes up to a batch of outbox rows, oldest first, with their events' envelopes. Rows another
     * replica's relay holds are skipped; the delete commits only after the broker took the batch.
     * Both lookups are by key, whatever the planner makes of the tables' sizes (a batch is usually
     * a few rows): as a join, it scanned the whole event table for every batch while that was small.
     */
    private static final String TAKE_OUTBOX = """
            with taken as (
                delete from stream_outbox where seq = any (array(
                    select seq from stream_outbox order by seq limit ? for update skip locked))
                returning seq, event_id)
            select e.id, e.type, e.source, e.envelope::text from taken
            cross join lateral (select id, type, source, envelope from event where event.id = taken.event_id limit 1) e
            order by taken.seq
            """;

    /** Written with {@link Statements}: this is the hot path of every event. */
    @Inject
    DataSource dataSource;

    /** For the searches of the API and the dashboard, which return the Panache entity. */
    @Inject
    EntityManager entityManager;

    /** An accepted event as it is written: its CloudEvent and the envelope serialized once from it. */
    public record Received(CloudEvent event, String envelope) {
    }

    /** An event as the rules judged it, with the envelope it came in. */
    public record Judged(CloudEvent event, String envelope, Evaluation evaluation, String traceparent) {

        /**
         * An event judged outside the stream's consumption (a route's call, a reprocessing): its
         * runs' spans hang under the event's own {@code traceparent}, that of its acceptance.
         */
        public Judged(CloudEvent event, String envelope, Evaluation evaluation) {
            this(event, envelope, evaluation, Tracing.traceparent(event));
        }

        EventState state() {
            return !evaluation.failures().isEmpty() ? EventState.FAILED
                    : evaluation.matches().isEmpty() ? EventState.IGNORED : EventState.PROCESSED;
        }
    }

    /** An event on its way to the stream. */
    public record Outgoing(UUID id, String type, String source, String envelope) {
    }

    /**
     * An event as stored, with its state, for judging it again; {@code readAt} is the database's
     * clock when it was read, so that how long it has waited is measured on one clock, the one that
     * set {@code receivedAt}.
     */
    public record Stored(UUID id, EventState state, String envelope, OffsetDateTime receivedAt, OffsetDateTime readAt) {

        /** How long the event had waited since it was received when it was read. */
        public Duration waited() {
            return Duration.between(receivedAt, readAt);
        }

        /** Where this event stands in a walk through events, oldest first. */
        public Position position() {
            return new Position(receivedAt, id);
        }
    }

    /**
     * A place in the events' order (time received, then id), kept by value: a walk goes on from
     * it even when retention has deleted the event it names meanwhile.
     */
    public record Position(OffsetDateTime receivedAt, UUID id) {
    }

    /** Which stored events to walk through: every filter given, oldest first, after the position {@code after}. */
    public record Selection(List<EventState> states, Optional<String> source, Optional<String> type,
            Optional<OffsetDateTime> from, Optional<OffsetDateTime> to, Optional<Position> after) {

        /** The same events from a different place: the page after {@code position}, or from the first when empty. */
        public Selection startingAfter(Optional<Position> position) {
            return new Selection(states, source, type, from, to, position);
        }
    }

    /**
     * What the events API and the dashboard list: every filter given; {@code text} is searched for
     * in the payload, as it is written (no pattern).
     */
    public record Search(Optional<String> source, Optional<String> type, Optional<EventState> state,
            Optional<OffsetDateTime> from, Optional<OffsetDateTime> to, Optional<String> text) {
    }

    /**
     * One page of a search, newest first, and how many events the search finds: all of them when
     * {@code exact}, else at least {@code total} (the count stops at {@link #COUNTED} or just past
     * the page, whichever is further).
     */
    public record Found(List<EventRecord> events, long total, boolean exact) {
    }

    /**
     * How far a search counts its events. Counting them all cost a page of the dashboard 0.5 s on
     * five million stored events, 4.1 s when filtered by a common state, where the page itself took
     * 2 ms; on ten times that the count alone ran out of the search timeout, and the events page
     * could not be opened (bench/steps.md, step 28).
     */
    public static final int COUNTED = 10_000;

    /** What an event's judging left beside its record: the rules it matched, in order, and its error. */
    public record Outcome(List<String> matchedRules, String error) {
    }

    /** An event judged again, and the state it had when it was read: it is recorded only if it still has it. */
    public record Rejudged(Judged judged, EventState was) {
    }

    /**
     * Records accepted events as RECEIVED, each with its outbox row, in the caller's transaction.
     * An event already there (its stream message arrived first, see {@link #recordJudged}) gets no
     * second outbox row.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordReceived(List<Received> events) {
        List<Object[]> rows = new ArrayList<>(events.size());
        events.forEach(received -> rows.add(row(received.event(), received.envelope(), EventState.RECEIVED, null,
                List.of(), null)));
        int[] inserted = batch(INSERT + " on conflict (id) do nothing", rows);
        List<Object[]> outbox = new ArrayList<>(events.size());
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i] != 0) {
                outbox.add(new Object[] { UUID.fromString(events.get(i).event().getId()) });
            }
        }
        batch(OUTBOX, outbox);
    }

    /** What the rules made of an event still RECEIVED (see V13__event_state_with_id.sql for its index). */
    static final String JUDGE = """
            update event set state = ?, processed_at = ?, matched_rules = string_to_array(?, chr(10)),
                error = cast(? as text)
            where id = ? and state = 'RECEIVED'
            """;

    /**
     * Records what the rules made of events: PROCESSED when rules matched, IGNORED when none did,
     * FAILED when a rule could not be evaluated. An update of the row the acceptance wrote, without
     * sending the envelope again; only an event no acceptance wrote (a message published straight
     * to the stream) is inserted whole.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordJudged(List<Judged> events) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> updates = new ArrayList<>(events.size());
        for (Judged judged : events) {
            updates.add(new Object[] { judged.state().name(), now, String.join("\n", judged.evaluation().matchedRuleIds()),
                    errorOf(judged), UUID.fromString(judged.event().getId()) });
        }
        int[] updated = batch(JUDGE, updates);
        List<Object[]> inserts = new ArrayList<>();
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] == 0) {
                Judged judged = events.get(i);
                inserts.add(row(judged.event(), judged.envelope(), judged.state(), now,
                        judged.evaluation().matchedRuleIds(), errorOf(judged)));
            }
        }
        // Not RECEIVED: either judged already (left as it is) or never accepted (recorded now).
        batch(INSERT + " on conflict (id) do nothing", inserts);
    }

    private static String errorOf(Judged judged) {
        List<String> failures = judged.evaluation().failures();
        return failures.isEmpty() ? null : String.join("; ", failures);
    }

    /**
     * Records what the rules now make of events judged before, each only if its state is still
     * the one it was read with (another operator's reprocess, for one, may have come first).
     *
     * @return for each, whether it was recorded
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean[] recordRejudged(List<Rejudged> events) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> updates = new ArrayList<>(events.size());
        for (Rejudged rejudged : events) {
            Judged judged = rejudged.judged();
            updates.add(new Object[] { judged.state().name(), now,
                    String.join("\n", judged.evaluation().matchedRuleIds()), errorOf(judged),
                    UUID.fromString(judged.event().getId()), rejudged.was().name() });
        }
        int[] updated = batch("""
                update event set state = ?, processed_at = ?, matched_rules = string_to_array(?, chr(10)),
                    error = cast(? as text)
                where id = ? and state = ?
                """, updates);
        boolean[] recorded = new boolean[updated.length];
        for (int i = 0; i < updated.length; i++) {
            recorded[i] = updated[i] != 0;
        }
        return recorded;
    }

    /** A search that did not finish within its time: it reads too many events, and the caller should narrow it. */
    public static class SearchTimedOut extends RuntimeException {
        public SearchTimedOut(Duration limit, Throwable cause) {
            super("The search did not finish within " + Durations.format(limit), cause);
        }
    }

    /**
     * Page {@code page} (from 0) of {@code size} events the search finds, newest first, in at most
     * {@code limit}: a search of the payload reads the text of every event the other filters leave,
     * so one search, or a few at once, must not keep the database busy for minutes. Run in a
     * transaction (the limit is its own).
     *
     * @throws SearchTimedOut when it takes longer
     */
    public Found search(Search search, int page, int size, Duration limit) {
        return within(entityManager, limit, () -> search(search, page, size));
    }

    /**
     * The queries of {@code read} held to {@code limit} (the transaction's own statement timeout):
     * a list anyone with a login may ask for must not keep the database busy for minutes.
     *
     * @throws SearchTimedOut when they take longer
     */
    static <T> T within(EntityManager entityManager, Duration limit, java.util.function.Supplier<T> read) {
        entityManager.createNativeQuery("select set_config('statement_timeout', ?1, true)")
                .setParameter(1, limit.toMillis() + "ms").getSingleResult();
        try {
            return read.get();
        } catch (PersistenceException e) {
            if (DatabaseErrors.hasState(e, "57014")) { // query_canceled: the statement timeout
                throw new SearchTimedOut(limit, e);
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private Found search(Search search, int page, int size) {
        List<String> where = new ArrayList<>(List.of("true"));
        List<Object> values = new ArrayList<>();
        search.source().ifPresent(value -> add(where, values, "source = ?", value));
        search.type().ifPresent(value -> add(where, values, "type = ?", value));
        search.state().ifPresent(value -> add(where, values, "state = ?", value.name()));
        search.from().ifPresent(value -> add(where, values, "received_at >= ?", value));
        search.to().ifPresent(value -> add(where, values, "received_at < ?", value));
        search.text().ifPresent(value -> add(where, values, "envelope::text ilike ?", containingPattern(value)));
        String condition = String.join(" and ", where);
        long offset = (long) page * size;
        var query = entityManager.createNativeQuery("select * from event where " + condition
                + " order by received_at desc limit " + size + " offset " + offset, EventRecord.class);
        // Past the page, at least: whether a next page exists is always known.
        long counted = Math.max(COUNTED, offset + size);
        var count = entityManager.createNativeQuery("select count(*) from (select 1 from event where " + condition
                + " limit " + (counted + 1) + ") counted");
        for (int i = 0; i < values.size(); i++) {
            query.setParameter(i + 1, values.get(i));
            count.setParameter(i + 1, values.get(i));
        }
        long found = ((Number) count.getSingleResult()).longValue();
        return new Found(query.getResultList(), Math.min(found, counted), found <= counted);
    }

    /** The event as the API and the dashboard show it; empty when there is no such event. */
    @Transactional
    public Optional<EventRecord> record(UUID id) {
        return EventRecord.findByIdOptional(id);
    }

    /** What a list of runs shows of each one's event: where it came from, and the start of its data. */
    public record Origin(String source, String deliveryId, String excerpt) {
    }

    /** The origins of these events, by id; an event purged meanwhile is absent. */
    @SuppressWarnings("unchecked")
    public Map<UUID, Origin> origins(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Origin> found = new java.util.HashMap<>();
        List<Object[]> rows = entityManager.createNativeQuery("select id, source, delivery_id,"
                + " left(coalesce(envelope->'data', envelope->'data_base64')::text, " + EXCERPT + ") from event where id in (:ids)")
                .setParameter("ids", ids).getResultList();
        for (Object[] row : rows) {
            found.put((UUID) row[0], new Origin((String) row[1], (String) row[2], (String) row[3]));
        }
        return found;
    }

    /** An ilike pattern for text that contains the words as written ({@code %} and {@code _} in them mean themselves). */
    static String containingPattern(String words) {
        return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** How much of an event's data a list shows. */
    static final int EXCERPT = 160;

    /**
     * Of the given events, the newest {@code limit} whose source, delivery id or data contain the
     * words (any case).
     */
    @SuppressWarnings("unchecked")
    public List<UUID> containing(String words, Collection<UUID> among, int limit) {
        if (among.isEmpty()) {
            return List.of();
        }
        return entityManager.createNativeQuery("select id from event where id = any (cast(:among as uuid[]))"
                + " and (source ilike :like or delivery_id ilike :like or envelope::text ilike :like)"
                + " order by received_at desc limit " + limit, UUID.class)
                .setParameter("among", among.stream().map(UUID::toString).toArray(String[]::new))
                .setParameter("like", containingPattern(words)).getResultList();
    }

    /** The rules the event matched and its error; empty when there is no such event. */
    public Optional<Outcome> outcome(UUID id) {
        try {
            return Statements.query(dataSource, "select matched_rules, error from event where id = ?", row -> {
                java.sql.Array matched = row.getArray(1);
                return new Outcome(matched == null ? List.of() : List.of((String[]) matched.getArray()),
                        row.getString(2));
            }, id).stream().findFirst();
        } catch (SQLException e) {
            throw new StoreException("Event " + id + " could not be read", e);
        }
    }

    /** The last arrival of an event (null: none), and the time now, both on the database's clock that stamped it. */
    public record Arrival(Instant last, Instant now) {
    }

    /** When an event of this type (and source, when given) last arrived: null when none ever did. */
    public Arrival lastArrival(String type, Optional<String> source) {
        try {
            return Statements.query(dataSource, """
                    select max(received_at), now() from event
                    where type = ? and (cast(? as text) is null or source = ?)
                    """, row -> new Arrival(instant(row.getObject(1, OffsetDateTime.class)),
                    instant(row.getObject(2, OffsetDateTime.class))), type, source.orElse(null), source.orElse(null))
                    .get(0);
        } catch (SQLException e) {
            throw new StoreException("The last arrival of " + type + " could not be read", e);
        }
    }

    /** The envelopes of the latest events of this type (and source, when given), newest first. */
    public List<String> latest(String type, Optional<String> source, int limit) {
        try {
            return Statements.query(dataSource, """
                    select envelope::text from event
                    where type = ? and (cast(? as text) is null or source = ?)
                    order by received_at desc limit ?
                    """, row -> row.getString(1), type, source.orElse(null), source.orElse(null), limit);
        } catch (SQLException e) {
            throw new StoreException("The latest events of " + type + " could not be read", e);
        }
    }

    /** Whether any event recorded came from this source. */
    public boolean hasSource(String source) {
        try {
            return !Statements.query(dataSource, "select 1 from event where source = ? limit 1", row -> true, source)
                    .isEmpty();
        } catch (SQLException e) {
            throw new StoreException("The events of " + source + " could not be read", e);
        }
    }

    /** How many events of each source are FAILED now: judged, and not to be judged again until reprocessed. */
    public Map<String, Long> failedBySource() {
        try {
            Map<String, Long> failed = new TreeMap<>();
            Statements.query(dataSource, "select source, count(*) from event where state = 'FAILED' group by source",
                    row -> failed.put(row.getString(1), row.getLong(2)));
            return failed;
        } catch (SQLException e) {
            throw new StoreException("The failed events could not be counted", e);
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    public Optional<Stored> find(UUID id) {
        return query("select id, state, envelope::text, received_at, now() from event where id = ?", id).stream().findFirst();
    }

    /**
     * Up to {@code limit} events of the selection, oldest first (by time received, then id): a page
     * of a walk through many events, the next one {@code after} the last of this.
     */
    public List<Stored> select(Selection selection, int limit) {
        List<Object> values = new ArrayList<>();
        String where = where(selection, values);
        values.add(limit);
        return query("select id, state, envelope::text, received_at, now() from event where " + where
                + " order by received_at, id limit ?", values.toArray());
    }

    /** How many events the selection holds, {@code after} left aside. */
    public long count(Selection selection) {
        List<Object> values = new ArrayList<>();
        String where = where(selection.startingAfter(Optional.empty()), values);
        try {
            return Statements.query(dataSource, "select count(*) from event where " + where, row -> row.getLong(1),
                    values.toArray()).get(0);
        } catch (SQLException e) {
            throw new StoreException("Events could not be counted", e);
        }
    }

    private static String where(Selection selection, List<Object> values) {
        List<String> where = new ArrayList<>(List.of("state = any (?)"));
        values.add(selection.states().stream().map(Enum::name).toArray(String[]::new));
        selection.source().ifPresent(source -> add(where, values, "source = ?", source));
        selection.type().ifPresent(type -> add(where, values, "type = ?", type));
        selection.from().ifPresent(from -> add(where, values, "received_at >= ?", from));
        selection.to().ifPresent(to -> add(where, values, "received_at < ?", to));
        selection.after().ifPresent(after -> {
            where.add("(received_at, id) > (?, ?)");
            values.add(after.receivedAt());
            values.add(after.id());
        });
        return String.join(" and ", where);
    }

    private static void add(List<String> where, List<Object> values, String condition, Object value) {
        where.add(condition);
        values.add(value);
    }

    private List<Stored> query(String sql, Object... parameters) {
        try {
            return Statements.query(dataSource, sql, row -> new Stored(row.getObject(1, UUID.class),
                    EventState.valueOf(row.getString(2)), row.getString(3), row.getObject(4, OffsetDateTime.class),
                    row.getObject(5, OffsetDateTime.class)),
                    parameters);
        } catch (SQLException e) {
            throw new StoreException("Events could not be read", e);
        }
    }

    /** Marks one event FAILED with the reason, if it is still RECEIVED: its stream message was parked. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void recordParked(UUID id, String reason) {
        batch("update event set state = 'FAILED', processed_at = now(), error = ? where id = ? and state = 'RECEIVED'",
                List.<Object[]>of(new Object[] { reason, id }));
    }

    /** Takes up to {@code limit} events for the stream; they leave the outbox when the caller's transaction commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Outgoing> takeForStream(int limit) {
        try {
            return Statements.query(dataSource, TAKE_OUTBOX, row -> new Outgoing(row.getObject(1, UUID.class),
                    row.getString(2), row.getString(3), row.getString(4)), limit);
        } catch (SQLException e) {
            throw new StoreException("The stream outbox could not be read", e);
        }
    }

    private static Object[] row(CloudEvent event, String envelope, EventState state, OffsetDateTime processedAt,
            List<String> matchedRules, String error) {
        Object deliveryId = event.getExtension(Envelopes.DELIVERY_ID);
        return new Object[] { UUID.fromString(event.getId()), event.getSource().toString(),
                deliveryId == null ? event.getId() : deliveryId.toString(), event.getType(), event.getSubject(),
                state.name(), processedAt, envelope, String.join("\n", matchedRules), error };
    }

    private int[] batch(String sql, List<Object[]> rows) {
        try {
            return Statements.batch(dataSource, sql, rows);
        } catch (SQLException e) {
            throw new StoreException("Events could not be recorded", e);
        }
    }
}
