package dev.switchboard.runs;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Collection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

import dev.switchboard.core.ReplayRefusedException;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.stream.Envelopes;

/** What operators do with runs: find them, replay dead ones, discard them. */
@ApplicationScoped
public class RunOperations {

    @Inject
    EntityManager entityManager;

    @Inject
    RuleEvaluator evaluator;

    @Inject
    RunDispatcher dispatcher;

    @Inject
    EventLog events;

    @Inject
    TransactionSynchronizationRegistry transactions;

    /**
     * How many runs each event has in each state: an event PROCESSED by its rules may still have a
     * DEAD run, and a list of events should say so.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Map<UUID, Map<RunState, Long>> statesByEvent(Collection<UUID> events) {
        Map<UUID, Map<RunState, Long>> states = new HashMap<>();
        if (events.isEmpty()) {
            return states;
        }
        List<Object[]> rows = entityManager.createNativeQuery(
                "select event_id, state, count(*) from action_run where event_id = any (cast(:events as uuid[]))"
                        + " group by event_id, state")
                .setParameter("events", events.stream().map(UUID::toString).toArray(String[]::new)).getResultList();
        for (Object[] row : rows) {
            states.computeIfAbsent((UUID) row[0], event -> new EnumMap<>(RunState.class))
                    .put(RunState.valueOf((String) row[1]), ((Number) row[2]).longValue());
        }
        return states;
    }

    /**
     * The events of the newest DEAD runs, at most {@code limit}: where a search of the dead runs by
     * their events' words looks, rather than among every event that has the words.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<UUID> eventsOfDeadRuns(int limit) {
        return entityManager.createNativeQuery("select event_id from action_run where state = 'DEAD'"
                + " group by event_id order by max(updated_at) desc limit " + limit, UUID.class).getResultList();
    }

    /** Runs matching every filter given, newest change first. */
    @Transactional
    public RunPage find(Filter filter, int page, int size) {
        return page(filter, page, size);
    }

    /**
     * {@link #find}, for a list anyone with a login asks for: in at most {@code limit}, as the
     * events' search (a page far down an unfiltered list of millions of runs, or words looked for
     * in every error, must not keep the database busy until the connection gives up).
     *
     * @throws EventLog.SearchTimedOut when it takes longer
     */
    @Transactional
    public RunPage search(Filter filter, int page, int size, Duration limit) {
        return EventLog.within(entityManager, limit, () -> page(filter, page, size));
    }

    private RunPage page(Filter filter, int page, int size) {
        List<String> where = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        filter.state().ifPresent(state -> equal(where, parameters, "state", "state", state));
        filter.port().ifPresent(port -> equal(where, parameters, "port", "port", port));
        filter.rule().ifPresent(rule -> equal(where, parameters, "ruleId", "rule", rule));
        filter.event().ifPresent(event -> equal(where, parameters, "eventId", "event", event));
        filter.text().ifPresent(text -> {
            where.add("(lower(ruleId) like :text or lower(port) like :text or lower(lastError) like :text"
                    + (text.events().isEmpty() ? ")" : " or array_contains(:textEvents, eventId))"));
            // Literally: a search for "_" or "%" finds runs that say it, not every run.
            parameters.put("text", EventLog.containingPattern(text.words().toLowerCase(java.util.Locale.ROOT)));
            if (!text.events().isEmpty()) {
                // One array parameter, not one per event: a search can name up to 10,000 of them.
                parameters.put("textEvents", text.events().toArray(UUID[]::new));
            }
        });
        var query = ActionRun.<ActionRun>find(where.isEmpty() ? "" : String.join(" and ", where),
                Sort.descending("updatedAt"), parameters).page(Page.of(page, size));
        return new RunPage(query.list(), query.count());
    }

    private static void equal(List<String> where, Map<String, Object> parameters, String field, String name,
            Object value) {
        where.add(field + " = :" + name);
        parameters.put(name, value);
    }

    /**
     * A replayed run's new state: due now, with a fresh retry budget that starts after the attempts
     * made so far, and where it starts kept with the earlier ones, so that every attempt can be
     * shown with the budget it counted against.
     */
    private static final String FRESH_BUDGET = """
            state = 'PENDING', attempt_base = attempts, replayed_at_attempts = replayed_at_attempts || attempts,
                next_attempt_at = now(), last_error = null, unbound_since = null, updated_at = now()""";

    /**
     * Sends a DEAD run back to PENDING with a fresh retry budget. Its idempotency key stays, so a
     * downstream that did act on an earlier attempt can drop the repeat. A run without a body (its
     * template failed when it was planned) is first rendered again from its event and the rule now
     * loaded.
     *
     * @throws ReplayRefusedException when that rendering fails; the run stays DEAD
     */
    @Transactional
    public int replay(UUID run) {
        Optional<ActionRun> dead = ActionRun.<ActionRun>findByIdOptional(run)
                .filter(found -> found.state == RunState.DEAD);
        if (dead.isPresent() && dead.get().body == null) {
            try {
                dead.get().body = render(dead.get());
            } catch (IllegalStateException e) {
                throw new ReplayRefusedException("Run " + run
                        + " cannot be replayed: its body cannot be rendered: " + e.getMessage());
            }
            entityManager.flush();
        }
        int replayed = entityManager.createNativeQuery("update action_run set " + FRESH_BUDGET
                + " where id = :id and state = 'DEAD'").setParameter("id", run).executeUpdate();
        settleAfterCommit();
        return replayed;
    }

    /**
     * Replays every DEAD run of the port and rule given (all DEAD runs when neither is). A run
     * without a body whose rendering fails again stays DEAD, with that reason.
     */
    @Transactional
    public int replayAll(Optional<String> port, Optional<String> rule) {
        Map<String, Object> parameters = new HashMap<>(Map.of("state", RunState.DEAD));
        port.ifPresent(name -> parameters.put("port", name));
        rule.ifPresent(id -> parameters.put("rule", id));
        ActionRun.<ActionRun>list("state = :state and body is null"
                + (port.isPresent() ? " and port = :port" : "") + (rule.isPresent() ? " and ruleId = :rule" : ""),
                parameters).forEach(unrendered -> {
                    try {
                        unrendered.body = render(unrendered);
                    } catch (IllegalStateException e) {
                        unrendered.lastError = "replay refused: its body cannot be rendered: " + e.getMessage();
                    }
                });
        entityManager.flush();
        int replayed = entityManager.createNativeQuery("update action_run set " + FRESH_BUDGET + """
                 where state = 'DEAD' and body is not null and (cast(:port as text) is null or port = :port)
                  and (cast(:rule as text) is null or rule_id = :rule)
                """).setParameter("port", port.orElse(null)).setParameter("rule", rule.orElse(null))
                .executeUpdate();
        // A replayed run whose port is gone waits for it again, with a grace period of its own.
        settleAfterCommit();
        return replayed;
    }

    /** Once the replay has committed, the dispatcher lets the runs of unbound ports among it wait. */
    private void settleAfterCommit() {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                dispatcher.settleSoon();
            }
        });
    }

    private String render(ActionRun run) {
        String envelope = events.find(run.eventId).map(EventLog.Stored::envelope)
                .orElseThrow(() -> new IllegalStateException("its event " + run.eventId + " is gone"));
        return evaluator.render(Envelopes.deserialize(envelope.getBytes(StandardCharsets.UTF_8)), run.ruleId,
                run.actionId);
    }

    /**
     * Marks a DEAD run, or one waiting for its port's binding, DISCARDED: an operator decided it
     * should not happen (a port removed for good need not wait for its grace period to end).
     */
    @Transactional
    public int discard(UUID run) {
        return entityManager.createNativeQuery("""
                update action_run set state = 'DISCARDED', next_attempt_at = null, updated_at = now()
                where id = :id and (state = 'DEAD' or (state = 'PENDING' and unbound_since is not null))
                """).setParameter("id", run).executeUpdate();
    }

    /**
     * Discards every DEAD run of the port and rule given (all DEAD runs when neither is), or, with
     * {@code unbound}, every run of them waiting for its port's binding instead.
     */
    @Transactional
    public int discardAll(Optional<String> port, Optional<String> rule, boolean unbound) {
        String which = unbound ? "state = 'PENDING' and unbound_since is not null" : "state = 'DEAD'";
        return entityManager.createNativeQuery("""
                update action_run set state = 'DISCARDED', next_attempt_at = null, updated_at = now()
                where %s and (cast(:port as text) is null or port = :port)
                  and (cast(:rule as text) is null or rule_id = :rule)
                """.formatted(which)).setParameter("port", port.orElse(null)).setParameter("rule", rule.orElse(null))
                .executeUpdate();
    }

    @Transactional
    public Optional<ActionRun> get(UUID run) {
        return ActionRun.findByIdOptional(run);
    }

    @Transactional
    public List<ActionAttempt> attempts(UUID run) {
        return ActionAttempt.of(run);
    }

    /**
     * Which of these runs are settled: SUCCEEDED (after a replay), DISCARDED, or gone (purged with
     * their event), whoever settled them.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Set<UUID> settled(Collection<UUID> runs) {
        if (runs.isEmpty()) {
            return Set.of();
        }
        List<UUID> settled = entityManager.createNativeQuery("""
                select given.id from unnest(cast(:runs as uuid[])) given(id)
                where not exists (select 1 from action_run r where r.id = given.id
                                  and r.state not in ('SUCCEEDED', 'DISCARDED'))
                """, UUID.class).setParameter("runs", runs.stream().map(UUID::toString).toArray(String[]::new))
                .getResultList();
        return Set.copyOf(settled);
    }

    /** How many runs are DEAD, waiting for an operator to replay or discard them. */
    @Transactional
    public long dead() {
        return ActionRun.count("state", RunState.DEAD);
    }

    /** How many runs wait for their port's binding. */
    @Transactional
    public long waitingForBinding() {
        return ActionRun.count("state = ?1 and unboundSince is not null", RunState.PENDING);
    }

    /** A port's attempts started within a window, and how many of them did not succeed. */
    public record PortAttempts(long attempts, long failures) {
    }

    /** A run whose attempt is under way, on which replica, and for how long (since its claim). */
    public record UnderWay(UUID run, String port, String replica, Duration lasted) {
    }

    /**
     * The runs whose attempt has been under way for over {@code longer} (on the database's clock),
     * longest first: calls that have not returned, whose claims their replicas keep renewing.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<UnderWay> underWayLongerThan(Duration longer) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select id, port, claimed_by, extract(epoch from now() - updated_at) from action_run
                where state = 'RUNNING' and updated_at < now() - make_interval(secs => :longer)
                order by updated_at
                """).setParameter("longer", (double) longer.toMillis() / 1000).getResultList();
        return rows.stream().map(row -> new UnderWay((UUID) row[0], (String) row[1], (String) row[2],
                Duration.ofSeconds(((Number) row[3]).longValue()))).toList();
    }

    /** Each port's attempts started in the last {@code window}; a port with none is absent. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Map<String, PortAttempts> attemptsByPort(Duration window) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select r.port, count(*), count(*) filter (where a.outcome <> 'SUCCEEDED')
                from action_attempt a join action_run r on r.id = a.run_id
                where a.started_at > now() - make_interval(secs => :window) group by r.port
                """).setParameter("window", (double) window.toSeconds()).getResultList();
        Map<String, PortAttempts> counts = new HashMap<>();
        rows.forEach(row -> counts.put((String) row[0],
                new PortAttempts(((Number) row[1]).longValue(), ((Number) row[2]).longValue())));
        return counts;
    }

    public record Filter(Optional<RunState> state, Optional<String> port, Optional<String> rule, Optional<UUID> event,
            Optional<Text> text) {

        public Filter(Optional<RunState> state, Optional<String> port, Optional<String> rule, Optional<UUID> event) {
            this(state, port, rule, event, Optional.empty());
        }
    }

    /**
     * Words a run's rule, port or last error contains (any case), or that its event holds: the
     * events given are those whose source, delivery id or data contain them ({@link EventLog#containing}).
     */
    public record Text(String words, java.util.Collection<UUID> events) {
    }

    public record RunPage(List<ActionRun> runs, long total) {
    }
}
