package dev.switchboard.runs;

/** The life of an action run. */
public enum RunState {
    /**
     * Waiting for its (next) attempt; or, with {@code unbound_since} set, for its port to be bound
     * (its last error says so), until {@code switchboard.runs.unbound-grace} has passed.
     */
    PENDING,
    /** Claimed by a replica, attempt under way. */
    RUNNING,
    SUCCEEDED,
    /** The last attempt failed; another is scheduled at {@code next_attempt_at}. */
    FAILED,
    /** Retries exhausted or a permanent error; sent to the dead letters. Can be replayed or discarded. */
    DEAD,
    /** A dead run an operator chose not to replay. */
    DISCARDED
}
