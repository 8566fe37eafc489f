package dev.switchboard.ingest.cdc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.cdc.*}: what every CDC source shares: who runs it, and how often it commits offsets. */
@ConfigMapping(prefix = "switchboard.cdc")
public interface CdcConfig {

    /**
     * How replicas agree on the one that runs each CDC source. Unset: {@code database} when the hub's
     * database is external (the replicas may then be on any host, and the database is what they all
     * share), {@code file} on the embedded database (which serves the replicas of one machine only).
     */
    Optional<Cluster> cluster();

    /** {@code file} only: the directory holding the lock files; default {@code <data-dir>/cluster}. */
    Optional<Path> clusterDir();

    /**
     * {@code file} and {@code database}: how often a replica that is not the leader tries to take the
     * lock, and ({@code database}) how often the leader checks that it still holds it.
     */
    @WithDefault("5s")
    Duration lockInterval();

    /** {@code kubernetes} only: the namespace of the leases; default the pod's own namespace. */
    Optional<String> kubernetesNamespace();

    /** How long the leader of a source may fail to stream, its database up, before its route is restarted. */
    @WithDefault("2m")
    Duration restartAfter();

    /**
     * How often Debezium writes the position of the changes already accepted to the offset table.
     * A crash replays at most this much, and the replay is dropped as duplicates.
     */
    @WithDefault("1s")
    Duration offsetFlushInterval();

    enum Cluster {
        /** A lock file per source in a shared directory: several instances on one machine or volume. */
        FILE,
        /** A Kubernetes {@code Lease} per source, {@code switchboard-cdc-<name>}: replicas anywhere in the cluster. */
        KUBERNETES,
        /**
         * A PostgreSQL advisory lock per source on the hub's database, held by a connection of its own:
         * replicas on any host that share the database.
         */
        DATABASE
    }
}
