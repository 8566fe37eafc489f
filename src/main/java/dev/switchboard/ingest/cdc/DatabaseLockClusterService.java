package dev.switchboard.ingest.cdc;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.camel.support.cluster.AbstractCamelClusterService;

/**
 * Camel's cluster service on a PostgreSQL advisory lock: the replica holding the lock of a
 * namespace leads it. The lock is a session lock, held by a connection of its own that is kept open
 * while leading, so it is released the moment that session ends, whether the replica stops, crashes
 * or loses its network, and PostgreSQL never grants it to two sessions at once. Replicas need share
 * nothing but the database, so they may run on any host, in Kubernetes or not.
 *
 * <p>Every {@code interval} a standby tries to take the lock ({@code pg_try_advisory_lock}, which
 * does not wait), and the leader checks, in {@code pg_locks}, that its session still holds it; a
 * leader whose connection fails or whose check does not answer within the interval stops leading.
 * So after the leader's session ends a standby leads within one interval, and the old leader
 * notices within one interval of its own.
 */
public final class DatabaseLockClusterService extends AbstractCamelClusterService<DatabaseLockClusterView> {

    /** Opens the dedicated connection that holds a lock: not one of a pool, which would reuse or close it. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public DatabaseLockClusterService(String id, Connections connections, Duration interval) {
        super(id);
        this.connections = connections;
        this.interval = interval;
    }

    /**
     * The lock's key: 64 bits of the namespace's SHA-256, the same in every replica and every version
     * of the hub, and unlikely to collide with another application's advisory locks on the database.
     */
    public static long key(String namespace) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(namespace.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    Connections connections() {
        return connections;
    }

    Duration interval() {
        return interval;
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    protected void doStart() throws Exception {
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "switchboard-leader-election");
            thread.setDaemon(true);
            return thread;
        });
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        executor.shutdownNow();
    }

    @Override
    protected DatabaseLockClusterView createView(String namespace) {
        return new DatabaseLockClusterView(this, namespace);
    }
}
