package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.cloudevents.CloudEvent;

import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.ops.HubMetrics;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.RuleAction;
import dev.switchboard.stream.Envelopes;

/**
 * Every write of action-run state: planning runs for an event, claiming due runs, and recording
 * each attempt's outcome. A claim is a row lock taken with {@code SKIP LOCKED}, so replicas share
 * the work without taking the same run, and an outcome is only written by the claim it belongs to.
 */
@ApplicationScoped
public class RunLedger {

    @Inject
    EntityManager entityManager;

    @Inject
    PortBindings ports;

    @Inject
    DeadLetters deadLetters;

    @Inject
    HubMetrics metrics;

    private final RandomGenerator random = RandomGenerator.getDefault();

    /** The run id, and idempotency key, of an action of a rule for an event. */
    public static UUID runId(String eventId, String ruleId, String actionId) {
        return UUID.nameUUIDFromBytes((eventId + '/' + ruleId + '/' + actionId).getBytes(StandardCharsets.UTF_8));
    }

    /** Creates the runs an evaluation asks for, once: a redelivered event finds them already there. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void plan(CloudEvent event, Evaluation evaluation) {
        for (Evaluation.Match match : evaluation.matches()) {
            for (Evaluation.PlannedAction planned : match.actions()) {
                RuleAction action = planned.action();
                UUID id = runId(event.getId(), match.rule().id(), action.id());
                Optional<PortBinding> binding = ports.find(action.port());
                RetryPolicy retry = binding.map(PortBinding::retry).orElse(RetryPolicy.DEFAULT)
                        .with(action.maxAttempts(), action.initialDelay(), action.maxDelay());
                String error = planned.error() != null ? "template: " + planned.error()
                        : binding.isEmpty() ? "port '" + action.port() + "' is not bound" : null;
                int created = entityManager.createNativeQuery("""
                        insert into action_run (id, event_id, rule_id, action_id, port, operation, body, state,
                            max_attempts, initial_delay_ms, max_delay_ms, next_attempt_at, last_error)
                        values (:id, :event, :rule, :action, :port, :operation, :body, :state,
                            :maxAttempts, :initialDelay, :maxDelay, now(), :error)
                        on conflict (id) do nothing
                        """)
                        .setParameter("id", id)
                        .setParameter("event", UUID.fromString(event.getId()))
                        .setParameter("rule", match.rule().id())
                        .setParameter("action", action.id())
                        .setParameter("port", action.port())
                        .setParameter("operation", action.operation().orElse(null))
                        .setParameter("body", planned.body())
                        .setParameter("state", error == null ? RunState.PENDING.name() : RunState.DEAD.name())
                        .setParameter("maxAttempts", retry.maxAttempts())
                        .setParameter("initialDelay", retry.initialDelay().toMillis())
                        .setParameter("maxDelay", retry.maxDelay().toMillis())
                        .setParameter("error", error)
                        .executeUpdate();
                if (created == 1 && error != null) {
                    metrics.deadAtPlanning(match.rule().id(), action.port());
                    deadLetters.send(id, UUID.fromString(event.getId()), match.rule().id(), action.id(),
                            action.port(), 0, error);
                }
            }
        }
    }

    /**
     * Claims up to {@code limit} runs that are due, or whose claim expired with the replica that
     * held it, for one attempt each. An expired claim's attempt is recorded as LOST.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @SuppressWarnings("unchecked")
    public List<ClaimedRun> claim(String node, int limit, Duration claimTimeout) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                with due as (
                    select id, state as old_state, claimed_by as old_claimer,
                           claim_expires_at as old_expiry
                    from action_run
                    where (state in ('PENDING', 'FAILED') and next_attempt_at <= now())
                       or (state = 'RUNNING' and claim_expires_at < now())
                    order by next_attempt_at
                    limit :limit
                    for update skip locked)
                update action_run r
                set state = 'RUNNING', attempts = r.attempts + 1, claimed_by = :node,
                    claim_expires_at = now() + make_interval(secs => :claimSeconds), updated_at = now()
                from due
                where r.id = due.id
                returning r.id, r.event_id, r.rule_id, r.action_id, r.port, r.operation, r.body, r.attempts,
                          r.attempt_base, r.max_attempts, r.initial_delay_ms, r.max_delay_ms,
                          due.old_state, due.old_claimer, due.old_expiry
                """)
                .setParameter("limit", limit)
                .setParameter("node", node)
                .setParameter("claimSeconds", (double) claimTimeout.toMillis() / 1000)
                .getResultList();
        List<ClaimedRun> claimed = new ArrayList<>();
        for (Object[] row : rows) {
            ClaimedRun run = new ClaimedRun((UUID) row[0], (UUID) row[1], (String) row[2], (String) row[3],
                    (String) row[4], Optional.ofNullable((String) row[5]), (String) row[6],
                    ((Number) row[7]).intValue(), ((Number) row[8]).intValue(),
                    new RetryPolicy(((Number) row[9]).intValue(), Duration.ofMillis(((Number) row[10]).longValue()),
                            Duration.ofMillis(((Number) row[11]).longValue())));
            if (RunState.RUNNING.name().equals(row[12])) {
                recordLostAttempt(run, (String) row[13], row[14], claimTimeout);
            }
            claimed.add(run);
        }
        return claimed;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void succeeded(ClaimedRun run, Instant started, Duration took, Integer status, String response) {
        finish(run, RunState.SUCCEEDED, null, null);
        attempt(run.id(), run.attempt(), started, took, RunState.SUCCEEDED.name(), null, null, status, response);
    }

    /** Records a failed attempt: FAILED when another attempt is scheduled, else DEAD, with the reason. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Outcome failed(ClaimedRun run, Instant started, Duration took, Failure failure) {
        boolean exhausted = run.attemptsOfBudget() >= run.retry().maxAttempts();
        RunState state = failure.permanent() || exhausted ? RunState.DEAD : RunState.FAILED;
        String reason = failure.permanent() ? failure.message()
                : exhausted ? "retries exhausted after " + run.attemptsOfBudget() + " attempt(s): " + failure.message()
                : failure.message();
        OffsetDateTime next = state == RunState.FAILED
                ? OffsetDateTime.now(ZoneOffset.UTC).plus(run.retry().delayAfter(run.attemptsOfBudget(), random))
                : null;
        finish(run, state, next, reason);
        attempt(run.id(), run.attempt(), started, took, RunState.FAILED.name(), failure.errorClass(),
                failure.message(), failure.status(), failure.response());
        return new Outcome(state, reason);
    }

    /** Where a failed attempt left its run, and why. */
    public record Outcome(RunState state, String reason) {
    }

    private void finish(ClaimedRun run, RunState state, OffsetDateTime nextAttempt, String error) {
        entityManager.createNativeQuery("""
                update action_run set state = :state, next_attempt_at = :next, last_error = :error,
                    claimed_by = null, claim_expires_at = null, updated_at = now()
                where id = :id and attempts = :attempt and state = 'RUNNING'
                """)
                .setParameter("state", state.name())
                .setParameter("next", nextAttempt)
                .setParameter("error", error)
                .setParameter("id", run.id())
                .setParameter("attempt", run.attempt())
                .executeUpdate();
    }

    private void recordLostAttempt(ClaimedRun run, String claimer, Object expiry, Duration claimTimeout) {
        Instant expired = expiry instanceof OffsetDateTime time ? time.toInstant()
                : expiry instanceof Instant instant ? instant : Instant.now();
        attempt(run.id(), run.attempt() - 1, expired.minus(claimTimeout), claimTimeout, "LOST", null,
                "the claim of " + claimer + " expired before it recorded an outcome", null, null);
    }

    private void attempt(UUID run, int attempt, Instant started, Duration took, String outcome, String errorClass,
            String message, Integer status, String response) {
        entityManager.createNativeQuery("""
                insert into action_attempt (run_id, attempt, started_at, duration_ms, outcome, error_class,
                    error_message, downstream_status, response_excerpt)
                values (:run, :attempt, :started, :duration, :outcome, :errorClass, :message, :status, :response)
                on conflict do nothing
                """)
                .setParameter("run", run)
                .setParameter("attempt", attempt)
                .setParameter("started", OffsetDateTime.ofInstant(started, ZoneOffset.UTC))
                .setParameter("duration", took.toMillis())
                .setParameter("outcome", outcome)
                .setParameter("errorClass", errorClass)
                .setParameter("message", message)
                .setParameter("status", status)
                .setParameter("response", response)
                .executeUpdate();
    }

    /** Why an attempt failed, and whether trying again could help. */
    public record Failure(String errorClass, String message, Integer status, String response, boolean permanent) {
    }

    /** The event a run belongs to, as its CloudEvent. */
    @Transactional
    public CloudEvent event(UUID eventId) {
        Object envelope = entityManager.createNativeQuery("select envelope::text from event where id = :id")
                .setParameter("id", eventId).getSingleResult();
        return Envelopes.deserialize(envelope.toString().getBytes(StandardCharsets.UTF_8));
    }
}
