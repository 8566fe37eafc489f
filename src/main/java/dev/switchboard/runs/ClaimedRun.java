package dev.switchboard.runs;

import java.util.Optional;
import java.util.UUID;

import dev.switchboard.core.RetryPolicy;

/**
 * A run this replica has claimed for one attempt; {@code attempt} is that attempt's number,
 * {@code envelope} its event's CloudEvent as stored, and {@code traceparent} the run's span (null
 * for a run planned before the hub traced).
 */
public record ClaimedRun(
        UUID id,
        UUID eventId,
        String ruleId,
        String actionId,
        String port,
        Optional<String> operation,
        String body,
        int attempt,
        int attemptBase,
        RetryPolicy retry,
        String envelope,
        String traceparent) {

    /** Key of this attempt for the idempotent consumer: one execution per claimed attempt. */
    public String attemptKey() {
        return id + "#" + attempt;
    }

    /** Attempts used of the current retry budget, this one included. */
    public int attemptsOfBudget() {
        return attempt - attemptBase;
    }
}
