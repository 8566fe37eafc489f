package dev.switchboard.ingest.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.jboss.logging.Logger;

/**
 * One namespace's election on the database: see {@link DatabaseLockClusterService}. Its checks run
 * on the service's single thread, one at a time, so leadership events are fired in order.
 */
final class DatabaseLockClusterView extends AbstractCamelClusterView {

    private static final Logger LOG = Logger.getLogger(DatabaseLockClusterView.class);

    /**
     * Whether this session holds the lock: a bigint key is kept as two halves, classid the high
     * 32 bits and objid the low, with objsubid 1 (PostgreSQL's documentation of pg_locks).
     */
    private static final String HOLDING = """
            select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted
               and classid = ((?::bigint >> 32) & 4294967295)::oid and objid = (?::bigint & 4294967295)::oid
               and objsubid = 1""";

    private final DatabaseLockClusterService service;
    private final long key;
    private final Member local = new Member();
    /** Only touched on the service's thread, and by {@link #doStop()} once that thread's task is done. */
    private Connection connection;
    private volatile boolean leading;
    private Future<?> checks;

    DatabaseLockClusterView(DatabaseLockClusterService service, String namespace) {
        super(service, namespace);
        this.service = service;
        this.key = DatabaseLockClusterService.key(namespace);
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        return leading ? Optional.of(local) : Optional.empty();
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return local;
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        // The other replicas are sessions waiting for nothing: pg_try_advisory_lock does not queue them.
        return List.of();
    }

    @Override
    protected void doStart() {
        checks = service.executor().scheduleWithFixedDelay(this::check, 0, service.interval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (checks != null) {
            checks.cancel(false);
        }
        // On the checks' thread, after a check under way: it could otherwise take the lock after this stop.
        try {
            service.executor().submit(() -> stopLeading(null)).get(service.interval().toMillis() * 2,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | TimeoutException stuck) {
            stopLeading(null);
        }
    }

    private void check() {
        try {
            if (leading) {
                if (!holding()) {
                    stopLeading("its session no longer holds the lock");
                }
                return;
            }
            if (connection == null || connection.isClosed()) {
                connection = service.connections().open();
                // A check that does not answer within the interval counts as a lost connection.
                connection.setNetworkTimeout(Runnable::run, (int) service.interval().toMillis());
            }
            try (PreparedStatement tryLock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                tryLock.setLong(1, key);
                try (ResultSet result = tryLock.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        leading = true;
                        LOG.infof("Leading %s (advisory lock %d on the hub's database)", getNamespace(), key);
                        fireLeadershipChangedEvent(local);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (leading) {
                stopLeading("its connection failed: " + e.getMessage());
            } else {
                LOG.debugf("Could not try the lock of %s: %s", getNamespace(), e.getMessage());
                closeConnection();
            }
        }
    }

    private boolean holding() throws SQLException {
        try (PreparedStatement held = connection.prepareStatement(HOLDING)) {
            held.setLong(1, key);
            held.setLong(2, key);
            try (ResultSet result = held.executeQuery()) {
                return result.next() && result.getLong(1) > 0;
            }
        }
    }

    /** @param lost why the lock was lost; null for a stop, which is no cause for a warning */
    private void stopLeading(String lost) {
        boolean was = leading;
        leading = false;
        // Closing the session releases its lock, should the server still count it as held.
        closeConnection();
        if (was) {
            if (lost == null) {
                LOG.infof("Stopped leading %s", getNamespace());
            } else {
                LOG.warnf("No longer leading %s: %s", getNamespace(), lost);
            }
            fireLeadershipChangedEvent((CamelClusterMember) null);
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException alreadyGone) {
                // a closed session has released its locks
            }
            connection = null;
        }
    }

    private final class Member implements CamelClusterMember {
        @Override
        public boolean isLeader() {
            return leading;
        }

        @Override
        public boolean isLocal() {
            return true;
        }

        @Override
        public String getId() {
            return service.getId();
        }
    }
}
