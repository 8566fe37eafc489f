package dev.switchboard.runs;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One attempt of a run, with what the downstream said. */
@Entity
@Table(name = "action_attempt")
@IdClass(ActionAttempt.Key.class)
public class ActionAttempt extends PanacheEntityBase {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Id
    public int attempt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "duration_ms")
    public long durationMs;

    /** SUCCEEDED, FAILED, or LOST when the replica holding the claim vanished. */
    public String outcome;

    @Column(name = "error_class")
    public String errorClass;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "downstream_status")
    public Integer downstreamStatus;

    @Column(name = "response_excerpt")
    public String responseExcerpt;

    public static List<ActionAttempt> of(UUID run) {
        return list("runId = ?1 order by attempt", run);
    }

    public record Key(UUID runId, int attempt) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }
}
