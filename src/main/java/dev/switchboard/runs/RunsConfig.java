package dev.switchboard.runs;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.runs.*}: how this replica executes action runs. */
@ConfigMapping(prefix = "switchboard.runs")
public interface RunsConfig {

    /** How often due runs are looked for. */
    @WithDefault("250ms")
    Duration pollInterval();

    /**
     * Attempts under way at once in this replica. A worker holds no database connection while it
     * waits for a downstream, so this can be far above the connection pool's size: it bounds how
     * many slow downstream calls can be waited for at once.
     */
    @WithDefault("100")
    int workers();

    /**
     * How long a claimed run belongs to the replica that claimed it, unless renewed: a replica
     * renews the claim of an attempt whose call has lasted half of this, so a slow call is never
     * made again while it is under way. A replica that dies holding a claim loses it after this
     * (or once it has been silent for {@link #replicaTimeout()}); another then retries the run with
     * the same idempotency key.
     */
    @WithDefault("2m")
    Duration claimTimeout();

    /**
     * How long a replica may go without its heartbeat (one a second, in the database) before the
     * runs it claimed are retried by the others, with the same idempotency key, instead of when
     * their claims expire. Keep it well above a garbage-collection pause and a database failover:
     * a replica that is only slow loses its claims too, and its calls under way are then made again.
     */
    @WithDefault("30s")
    Duration replicaTimeout();

    /**
     * How long a run whose port is not bound waits for its binding before it goes DEAD (with a
     * dead letter and an alert, and replayable as any dead run). Long enough to ride out a
     * rollout, a ConfigMap that reaches the replicas a minute apart, or an edit put right after
     * someone noticed; short enough that a port removed for good ends in an alert within the
     * hour instead of runs that wait unseen. An operator can discard waiting runs sooner.
     */
    @WithDefault("1h")
    Duration unboundGrace();

    /**
     * How often this replica looks for events left RECEIVED for over twice the reprocessing grace
     * (their stream message lost) and judges them itself ({@link UnconsumedEvents}).
     */
    @WithDefault("1m")
    Duration unconsumedInterval();
}
