package dev.switchboard.runs;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An action run as stored; written by {@link RunLedger}, read here. Its id is its idempotency key. */
@Entity
@Table(name = "action_run")
public class ActionRun extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "rule_id")
    public String ruleId;

    @Column(name = "action_id")
    public String actionId;

    public String port;

    public String operation;

    public String body;

    @Enumerated(EnumType.STRING)
    public RunState state;

    public int attempts;

    @Column(name = "attempt_base")
    public int attemptBase;

    @Column(name = "max_attempts")
    public int maxAttempts;

    /** The run's attempt count at each replay, oldest first (see V11__run_replays.sql). */
    @Column(name = "replayed_at_attempts")
    public int[] replayedAtAttempts = {};

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    @Column(name = "claimed_by")
    public String claimedBy;

    @Column(name = "last_error")
    public String lastError;

    /** Since when the run has waited for its port to be bound; null when it is not waiting. */
    @Column(name = "unbound_since")
    public OffsetDateTime unboundSince;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** How often the run was replayed: each replay began a fresh budget of {@link #maxAttempts}. */
    public int replays() {
        return replayedAtAttempts.length;
    }

    /** Attempts made in the current budget (since the latest replay), the ones counted against {@link #maxAttempts}. */
    public int attemptsOfBudget() {
        return attempts - attemptBase;
    }

    /** The budget attempt number {@code attempt} was made in: 0 the first, n the n-th replay's. */
    public int replayOf(int attempt) {
        int replay = 0;
        while (replay < replayedAtAttempts.length && replayedAtAttempts[replay] < attempt) {
            replay++;
        }
        return replay;
    }

    /** Attempt number {@code attempt} counted within its budget: 1 for the first attempt after a replay. */
    public int attemptOfBudget(int attempt) {
        int replay = replayOf(attempt);
        return replay == 0 ? attempt : attempt - replayedAtAttempts[replay - 1];
    }
}
