package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.Durations;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Tracing;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.RuleAction;

/**
 * Every write of action-run state: planning runs for an event, claiming due runs, and recording
 * each attempt's outcome. A claim is a row lock taken with {@code SKIP LOCKED}, so replicas share
 * the work without taking the same run, and an outcome is only written by the claim it belongs to.
 *
 * <p>A run whose port is not bound waits for its binding (see V9__runs_waiting_for_binding.sql):
 * PENDING without a next attempt time, so that no claim scans it, until its port is bound again
 * ({@link #settleWaiting}) or it has waited longer than {@code switchboard.runs.unbound-grace}
 * ({@link #expireWaiting}). Claims only take runs of ports bound in this replica.
 */
@ApplicationScoped
public class RunLedger {

    private static final String PLAN = """
            insert into action_run (id, event_id, rule_id, action_id, port, operation, body, state,
                max_attempts, initial_delay_ms, max_delay_ms, next_attempt_at, last_error, dead_letter_due, unbound_since,
                trace_parent)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, case when ? then null else now() end, ?, ?,
                case when ? then now() end, ?)
            on conflict (id) do nothing
            """;

    /**
     * Claims due runs, and hands each over with its event's envelope: one round trip per batch.
     * Expired claims first, then due runs in the order they fell due, each read in the order of its
     * own partial index so that a claim costs its batch, not the backlog: one scan for both (an OR
     * of the two conditions) read every due run and sorted them, 25 ms a claim behind 20,000 due
     * runs (bench/steps.md, step 19). Rows a branch locked past the batch are let go at the commit.
     * Run in a transaction of {@link #CLAIM_PLAN}.
     */
    static final String CLAIM = """
            with expired as (
                select id, state as old_state, claimed_by as old_claimer, updated_at as old_claimed_at,
                    claim_expires_at as old_expiry
                from action_run
                where state = 'RUNNING' and claim_expires_at < now() and port = any (?)
                order by claim_expires_at
                limit ?
                for update skip locked),
            fallen_due as (
                select id, state as old_state, claimed_by as old_claimer, updated_at as old_claimed_at,
                    claim_expires_at as old_expiry
                from action_run
                where state in ('PENDING', 'FAILED') and next_attempt_at <= now() and port = any (?)
                order by next_attempt_at
                limit ?
                for update skip locked),
            due as (
                select * from expired union all select * from fallen_due limit ?)
            update action_run r
            set state = 'RUNNING', attempts = r.attempts + 1, claimed_by = ?,
                claim_expires_at = now() + make_interval(secs => ?), updated_at = now()
            from due, event e
            where r.id = due.id and e.id = r.event_id
            returning r.id, r.event_id, r.rule_id, r.action_id, r.port, r.operation, r.body, r.attempts,
                      r.attempt_base, r.max_attempts, r.initial_delay_ms, r.max_delay_ms, e.envelope::text, r.trace_parent,
                      due.old_state, due.old_claimer, due.old_claimed_at, due.old_expiry
            """;

    /**
     * The claim's transaction does not sort: PostgreSQL's statistics lag behind a backlog (a table
     * of millions of finished runs is not analyzed again for 30,000 new ones), and while they say
     * few runs are due it would rather take every due run of the port by another index and sort
     * them than read the due-run index in order and stop at the batch.
     */
    static final String CLAIM_PLAN = "set local enable_sort = off";

    /**
     * Expired claims that held the last attempt of their run's budget: a lost attempt counts, so
     * a run that kills its replica at every attempt ends DEAD instead of being retried for ever.
     */
    private static final String LOST_LAST_ATTEMPTS = """
            select id, attempts, attempt_base, claimed_by, updated_at, claim_expires_at from action_run
            where state = 'RUNNING' and claim_expires_at < now() and attempts - attempt_base >= max_attempts
            for update skip locked
            """;

    /** Who holds the claims that are still valid. */
    private static final String CLAIMERS = """
            select distinct claimed_by from action_run where state = 'RUNNING' and claim_expires_at > now()
            """;

    /** The claims of the given claimers end now; the next claim records the attempt as LOST. */
    private static final String END_CLAIMS_OF = """
            update action_run set claim_expires_at = now()
            where state = 'RUNNING' and claim_expires_at > now() and claimed_by = any (?)
            """;

    /**
     * Claims of replicas that have not beaten for the given seconds (see {@link ReplicaBeats}) end
     * now; the next claim records the attempt as LOST.
     */
    private static final String END_SILENT_CLAIMS = """
            update action_run set claim_expires_at = now()
            where state = 'RUNNING' and claim_expires_at > now() and claimed_by in (
                select node from replica_beat where beat_at < now() - make_interval(secs => ?))
            """;

    /**
     * Renews the claims of attempts still under way in the replica that holds them: the given
     * attempt numbers, so that a run claimed again since (its claim ended) is not taken back.
     */
    private static final String RENEW_CLAIMS = """
            update action_run r set claim_expires_at = now() + make_interval(secs => ?)
            from unnest(?::uuid[], ?::int[]) as under_way(id, attempts)
            where r.id = under_way.id and r.attempts = under_way.attempts and r.state = 'RUNNING' and r.claimed_by = ?
            returning r.id
            """;

    private static final String END_LOST = """
            update action_run set state = 'DEAD', next_attempt_at = null, last_error = ?, dead_letter_due = true,
                claimed_by = null, claim_expires_at = null, updated_at = now()
            where id = ?
            """;

    private static final String FINISH = """
            update action_run set state = ?, next_attempt_at = now() + cast(? as bigint) * interval '1 millisecond',
                last_error = ?, dead_letter_due = ?,
                unbound_since = case when ? then now() end, attempt_base = attempt_base + ?,
                claimed_by = null, claim_expires_at = null, updated_at = now()
            where id = ? and attempts = ? and state = 'RUNNING'
            """;

    /**
     * Due runs of ports not bound now begin to wait (a FAILED one's retry too): a port removed
     * from the configuration, or a replay of a run whose port is gone.
     */
    private static final String PARK = """
            update action_run set state = 'PENDING', next_attempt_at = null, unbound_since = now(),
                last_error = 'port ' || quote_literal(port) || ' ' || ?, updated_at = now()
            where state in ('PENDING', 'FAILED') and next_attempt_at is not null and not (port = any (?))
            """;

    /**
     * Expired claims of ports not bound now (the replica died mid-attempt, and the binding went
     * with the same rollout): no claim would take them again, so they begin to wait too; their
     * attempt is recorded as LOST, and counts, as a claim would count it.
     */
    private static final String PARK_LOST = """
            update action_run r set state = 'PENDING', next_attempt_at = null, unbound_since = now(),
                last_error = 'port ' || quote_literal(r.port) || ' ' || ?, claimed_by = null, claim_expires_at = null,
                updated_at = now()
            from (select id, claimed_by, updated_at, claim_expires_at from action_run
                  where state = 'RUNNING' and claim_expires_at < now() and not (port = any (?))
                      and attempts - attempt_base < max_attempts
                  for update skip locked) lost
            where r.id = lost.id
            returning r.id, r.attempts, lost.claimed_by, lost.updated_at, lost.claim_expires_at
            """;

    /** Waiting runs whose port is bound now are due at once, with their retry budget as it was. */
    private static final String RELEASE = """
            update action_run set next_attempt_at = now(), unbound_since = null, last_error = null, updated_at = now()
            where unbound_since is not null and state = 'PENDING' and port = any (?)
            """;

    /** Waiting runs past their grace period go DEAD, with a dead letter like any other. */
    private static final String EXPIRE = """
            update action_run set state = 'DEAD', dead_letter_due = true, updated_at = now(),
                last_error = 'port ' || quote_literal(port) || ' was not bound within ' || ?
                    || ' (switchboard.runs.unbound-grace), waiting since '
                    || to_char(unbound_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            where unbound_since is not null and state = 'PENDING' and unbound_since < now() - make_interval(secs => ?)
            returning rule_id, port
            """;

    /**
     * Takes the dead letters due, for sending in the same transaction (see
     * V5_1__dead_letter_outbox.sql), with each run's state: one replayed or discarded before its
     * letter went (within a poll, or while the broker was away) is no longer dead.
     */
    private static final String DEAD_LETTERS_DUE = """
            with due as (
                select id from action_run where dead_letter_due order by updated_at limit ? for update skip locked)
            update action_run r set dead_letter_due = false
            from due
            where r.id = due.id
            returning r.id, r.event_id, r.rule_id, r.action_id, r.port, r.attempts, r.last_error, r.state
            """;

    private static final String ATTEMPT = """
            insert into action_attempt (run_id, attempt, started_at, duration_ms, outcome, error_class,
                error_message, downstream_status, response_excerpt)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict do nothing
            """;

    @Inject
    DataSource dataSource;

    @Inject
    Tracer tracer;

    @Inject
    PortBindings ports;

    @Inject
    RunMetrics metrics;

    @Inject
    RunsConfig config;

    private final RandomGenerator random = RandomGenerator.getDefault();

    /** The run id, and idempotency key, of an action of a rule for an event. */
    public static UUID runId(String eventId, String ruleId, String actionId) {
        return UUID.nameUUIDFromBytes((eventId + '/' + ruleId + '/' + actionId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates the runs the judged events ask for, once: a redelivered (or reprocessed) event finds
     * them already there. A run whose port is not bound is created waiting for its binding.
     *
     * @return for each event, how many runs were created
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int[] plan(List<EventLog.Judged> events) {
        List<Object[]> rows = new ArrayList<>();
        List<String[]> deadRuleAndPort = new ArrayList<>();
        List<Integer> eventOfRow = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        for (int e = 0; e < events.size(); e++) {
            EventLog.Judged judged = events.get(e);
            CloudEvent event = judged.event();
            for (Evaluation.Match match : judged.evaluation().matches()) {
                for (Evaluation.PlannedAction planned : match.actions()) {
                    RuleAction action = planned.action();
                    UUID id = runId(event.getId(), match.rule().id(), action.id());
                    Optional<PortBinding> binding = ports.find(action.port());
                    RetryPolicy retry = binding.map(PortBinding::retry).orElse(RetryPolicy.DEFAULT)
                            .with(action.maxAttempts(), action.initialDelay(), action.maxDelay());
                    String error = planned.error() != null ? "template: " + planned.error() : null;
                    boolean unbound = error == null && binding.isEmpty();
                    Span span = runSpan(judged, match.rule().id(), action, id);
                    spans.add(span);
                    rows.add(new Object[] { id, UUID.fromString(event.getId()), match.rule().id(), action.id(),
                            action.port(), action.operation().orElse(null), planned.body(),
                            error == null ? RunState.PENDING.name() : RunState.DEAD.name(), retry.maxAttempts(),
                            retry.initialDelay().toMillis(), retry.maxDelay().toMillis(), unbound,
                            unbound ? waitingReason(action.port()) : error, error != null, unbound,
                            Tracing.traceparent(span).orElse(null) });
                    deadRuleAndPort.add(error == null ? null : new String[] { match.rule().id(), action.port() });
                    eventOfRow.add(e);
                }
            }
        }
        int[] created = batch(PLAN, rows);
        int[] count = new int[events.size()];
        for (int i = 0; i < created.length; i++) {
            if (created[i] != 0) {
                // Only a run created here has its span: one left unended is never exported.
                spans.get(i).end();
                count[eventOfRow.get(i)]++;
                if (deadRuleAndPort.get(i) != null) {
                    metrics.deadAtPlanning(deadRuleAndPort.get(i)[0], deadRuleAndPort.get(i)[1]);
                }
            }
        }
        return count;
    }

    /** The last error of a run waiting for its port's binding. */
    String waitingReason(String port) {
        return "port '" + port + "' " + waitingSuffix();
    }

    private String waitingSuffix() {
        return "is not bound: the run waits for its binding, at most " + Durations.format(config.unboundGrace())
                + " (switchboard.runs.unbound-grace)";
    }

    /**
     * Brings the runs waiting for a binding in line with the ports bound now: due runs of ports
     * not bound begin to wait, waiting runs of bound ports are due again.
     *
     * @return how many runs began to wait, and how many were released
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int[] settleWaiting(Set<String> bound) {
        String[] ports = bound.toArray(String[]::new);
        try {
            String waiting = waitingSuffix();
            // Runs on their last attempt are not left here: the next claim's LOST_LAST_ATTEMPTS ends them DEAD.
            int lost = Statements.query(dataSource, PARK_LOST, this::recordLostAttempt, waiting, ports).size();
            return new int[] { lost + update(PARK, waiting, ports), update(RELEASE, (Object) ports) };
        } catch (SQLException e) {
            throw new IllegalStateException("Runs waiting for their port could not be settled: " + e.getMessage(), e);
        }
    }

    /**
     * Runs that have waited for their port longer than {@code grace} go DEAD.
     *
     * @return how many did
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int expireWaiting(Duration grace) {
        try {
            List<String[]> dead = Statements.query(dataSource, EXPIRE, row -> new String[] { row.getString(1),
                    row.getString(2) }, Durations.format(grace), (double) grace.toMillis() / 1000);
            dead.forEach(run -> metrics.deadAtPlanning(run[0], run[1]));
            return dead.size();
        } catch (SQLException e) {
            throw new IllegalStateException("Runs waiting for their port could not be expired: " + e.getMessage(), e);
        }
    }

    /**
     * Claims up to {@code limit} runs that are due, or whose claim expired with the replica that
     * held it, for one attempt each. An expired claim's attempt is recorded as LOST, and counts:
     * when it was the last of the budget, the run goes DEAD instead.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<ClaimedRun> claim(String node, int limit, Duration claimTimeout, Set<String> bound) {
        try {
            Statements.query(dataSource, LOST_LAST_ATTEMPTS, row -> update(END_LOST, "retries exhausted after "
                    + (row.getInt("attempts") - row.getInt("attempt_base")) + " attempt(s): " + recordLostAttempt(row),
                    row.getObject("id", UUID.class)));
            String[] ports = bound.toArray(String[]::new);
            Statements.update(dataSource, CLAIM_PLAN);
            return Statements.query(dataSource, CLAIM, row -> {
                ClaimedRun run = claimedRun(row);
                if (RunState.RUNNING.name().equals(row.getString("old_state"))) {
                    recordLostAttempt(run.id(), run.attempt() - 1, row.getString("old_claimer"),
                            row.getObject("old_claimed_at", OffsetDateTime.class),
                            row.getObject("old_expiry", OffsetDateTime.class));
                }
                return run;
            }, ports, limit, ports, limit, limit, node, (double) claimTimeout.toMillis() / 1000);
        } catch (SQLException e) {
            throw new IllegalStateException("Runs could not be claimed: " + e.getMessage(), e);
        }
    }

    private static ClaimedRun claimedRun(ResultSet row) throws SQLException {
        return new ClaimedRun(row.getObject("id", UUID.class), row.getObject("event_id", UUID.class),
                row.getString("rule_id"), row.getString("action_id"), row.getString("port"),
                Optional.ofNullable(row.getString("operation")), row.getString("body"), row.getInt("attempts"),
                row.getInt("attempt_base"), new RetryPolicy(row.getInt("max_attempts"),
                        Duration.ofMillis(row.getLong("initial_delay_ms")),
                        Duration.ofMillis(row.getLong("max_delay_ms"))),
                row.getString("envelope"), row.getString("trace_parent"));
    }

    /**
     * The span of a run, in the trace of the event that asks for it, under the span that judged
     * the event: it marks the run's planning, and its attempts' spans hang under it, however
     * long after and on whichever replica they are made. Started, to be ended once the run is
     * known to be created (a replanned run already there has its span).
     */
    private Span runSpan(EventLog.Judged judged, String rule, RuleAction action, UUID run) {
        return tracer.spanBuilder("run " + rule + "/" + action.id())
                .setParent(Tracing.of(judged.traceparent()))
                .setAttribute("switchboard.run.id", run.toString())
                .setAttribute("switchboard.rule", rule)
                .setAttribute("switchboard.action", action.id())
                .setAttribute("switchboard.port", action.port())
                .startSpan();
    }

    /** The outcome of a successful attempt, to be recorded with {@link #record}. */
    public Outcome succeeded(ClaimedRun run, Instant started, Duration took, Integer status, String response) {
        return new Outcome(run, RunState.SUCCEEDED, null, null, new Object[] { run.id(), run.attempt(),
                OffsetDateTime.ofInstant(started, ZoneOffset.UTC), took.toMillis(), RunState.SUCCEEDED.name(), null,
                null, status, storable(response) }, false);
    }

    /**
     * The outcome of an attempt that found its port unbound (the binding went between claim and
     * attempt): the run waits for its binding, and the attempt does not count against its budget.
     */
    public Outcome unbound(ClaimedRun run, Instant started, Duration took) {
        String reason = waitingReason(run.port());
        return new Outcome(run, RunState.PENDING, null, reason, new Object[] { run.id(), run.attempt(),
                OffsetDateTime.ofInstant(started, ZoneOffset.UTC), took.toMillis(), RunState.FAILED.name(), null,
                reason, null, null }, true);
    }

    /** The outcome of a failed attempt: FAILED when another attempt is scheduled, else DEAD, with the reason. */
    public Outcome failed(ClaimedRun run, Instant started, Duration took, Failure failure) {
        boolean exhausted = run.attemptsOfBudget() >= run.retry().maxAttempts();
        RunState state = failure.permanent() || exhausted ? RunState.DEAD : RunState.FAILED;
        String reason = failure.permanent() ? failure.message()
                : exhausted ? "retries exhausted after " + run.attemptsOfBudget() + " attempt(s): " + failure.message()
                : failure.message();
        Duration next = state == RunState.FAILED ? run.retry().delayAfter(run.attemptsOfBudget(), random) : null;
        return new Outcome(run, state, next, storable(reason), new Object[] { run.id(), run.attempt(),
                OffsetDateTime.ofInstant(started, ZoneOffset.UTC), took.toMillis(), RunState.FAILED.name(),
                failure.errorClass(), storable(failure.message()), failure.status(), storable(failure.response()) },
                false);
    }

    /**
     * Downstream's words as a text column can keep them: PostgreSQL refuses the NUL character in
     * any text, and a binary response (a PDF, protobuf) or an error quoting one has them. Refused,
     * the outcome could never be recorded, and the run would be called again at every claim.
     */
    static String storable(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    /**
     * Records attempts' outcomes in the caller's transaction, in two round trips whatever their
     * number. Each changes its run only while the claim it belongs to is current: a stale
     * claimer's outcome changes nothing, so sends no dead letter; its attempt row is kept.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(List<Outcome> outcomes) {
        List<Object[]> finishes = new ArrayList<>(outcomes.size());
        List<Object[]> attempts = new ArrayList<>(outcomes.size());
        for (Outcome outcome : outcomes) {
            finishes.add(new Object[] { outcome.state().name(),
                    outcome.retryAfter() == null ? null : outcome.retryAfter().toMillis(), outcome.error(),
                    outcome.state() == RunState.DEAD, outcome.unbound(), outcome.unbound() ? 1 : 0,
                    outcome.run().id(), outcome.run().attempt() });
            attempts.add(outcome.attemptRow());
        }
        batch(FINISH, finishes);
        batch(ATTEMPT, attempts);
    }

    /** Takes up to {@code limit} dead letters that are due; they are sent when the caller's transaction commits them. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<DeadLetters.Letter> takeDeadLetters(int limit) {
        try {
            return Statements.query(dataSource, DEAD_LETTERS_DUE, row -> new DeadLetters.Letter(
                    row.getObject("id", UUID.class), row.getObject("event_id", UUID.class), row.getString("rule_id"),
                    row.getString("action_id"), row.getString("port"), row.getInt("attempts"),
                    row.getString("last_error"), RunState.DEAD.name().equals(row.getString("state"))), limit);
        } catch (SQLException e) {
            throw new IllegalStateException("Dead letters could not be read: " + e.getMessage(), e);
        }
    }

    /** The replicas (as {@link RunDispatcher#NODE} names them) that hold claims still valid. */
    public List<String> claimers() {
        try {
            return Statements.query(dataSource, CLAIMERS, row -> row.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("Claims could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * Ends the claims the given replicas hold, known to be gone: the next claim records each
     * attempt as LOST and retries the run.
     *
     * @return how many claims ended
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int endClaimsOf(List<String> replicas) {
        return update(END_CLAIMS_OF, (Object) replicas.toArray(String[]::new));
    }

    /**
     * Renews for {@code lease} from now the claims of {@code runs}, attempts this replica still has
     * under way ({@link AttemptsUnderWay}).
     *
     * @return the attempts whose claims were renewed: those still this replica's
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<ClaimedRun> renewClaims(List<ClaimedRun> runs, Duration lease) {
        Set<UUID> renewed;
        try {
            renewed = Set.copyOf(Statements.query(dataSource, RENEW_CLAIMS, row -> row.getObject(1, UUID.class),
                    (double) lease.toMillis() / 1000, runs.stream().map(ClaimedRun::id).toArray(UUID[]::new),
                    runs.stream().mapToInt(ClaimedRun::attempt).boxed().toArray(Integer[]::new), RunDispatcher.NODE));
        } catch (SQLException e) {
            throw new StoreException("Claims could not be renewed", e);
        }
        return runs.stream().filter(run -> renewed.contains(run.id())).toList();
    }

    /**
     * Ends the claims of replicas that have not beaten for {@code silence}: they were killed, or
     * cut off from the database for that long.
     *
     * @return how many claims ended
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int endClaimsOfSilentReplicas(Duration silence) {
        return update(END_SILENT_CLAIMS, (double) silence.toMillis() / 1000);
    }

    /**
     * As {@link #recordLostAttempt(UUID, int, String, OffsetDateTime, OffsetDateTime)}, for a run as
     * read with its claim still on it: {@code id}, {@code attempts}, {@code claimed_by},
     * {@code updated_at} (when it was claimed) and {@code claim_expires_at}.
     */
    private String recordLostAttempt(ResultSet row) throws SQLException {
        return recordLostAttempt(row.getObject("id", UUID.class), row.getInt("attempts"), row.getString("claimed_by"),
                row.getObject("updated_at", OffsetDateTime.class), row.getObject("claim_expires_at", OffsetDateTime.class));
    }

    /** Records an attempt whose claim ended without an outcome, from its claim to its end; returns what happened to it. */
    private String recordLostAttempt(UUID run, int attempt, String claimer, OffsetDateTime claimed,
            OffsetDateTime expiry) {
        Instant expired = expiry == null ? Instant.now() : expiry.toInstant();
        Instant started = claimed == null ? expired : claimed.toInstant();
        String lost = "the claim of " + claimer + " ended before it recorded an outcome (its replica stopped,"
                + " fell silent, or the claim expired)";
        attempt(run, attempt, started, Duration.between(started, expired), "LOST", null, lost, null, null);
        return lost;
    }

    private void attempt(UUID run, int attempt, Instant started, Duration took, String outcome, String errorClass,
            String message, Integer status, String response) {
        update(ATTEMPT, run, attempt, OffsetDateTime.ofInstant(started, ZoneOffset.UTC), took.toMillis(), outcome,
                errorClass, message, status, response);
    }

    private int[] batch(String sql, List<Object[]> rows) {
        try {
            return Statements.batch(dataSource, sql, rows);
        } catch (SQLException e) {
            throw new StoreException("Action runs could not be recorded", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try {
            return Statements.update(dataSource, sql, parameters);
        } catch (SQLException e) {
            throw new IllegalStateException("Action runs could not be recorded: " + e.getMessage(), e);
        }
    }

    /**
     * An attempt's outcome: the run's new state, the wait before its next attempt (counted from the
     * database's clock when recorded, the clock claims compare against), and the attempt's row;
     * {@code unbound} when it found no binding.
     */
    public record Outcome(ClaimedRun run, RunState state, Duration retryAfter, String error,
            Object[] attemptRow, boolean unbound) {

        /**
         * This outcome with its texts (the error, downstream's response) replaced by {@code why}:
         * for one the database refused to store, so that the state and the attempt are kept.
         */
        public Outcome withoutTexts(String why) {
            Object[] row = attemptRow.clone();
            row[6] = row[6] == null ? null : why;
            row[8] = null;
            return new Outcome(run, state, retryAfter, error == null ? null : why, row, unbound);
        }
    }

    /** Why an attempt failed, and whether trying again could help. */
    public record Failure(String errorClass, String message, Integer status, String response, boolean permanent) {
    }
}
