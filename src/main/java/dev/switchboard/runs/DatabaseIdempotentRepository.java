package dev.switchboard.runs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel idempotent repository in the hub's PostgreSQL, shared by every replica.
 *
 * <p>Unlike {@code JdbcMessageIdRepository}, which commits each key in a transaction of its own,
 * this one writes the key in the caller's JTA transaction: the key commits together with the work
 * it guards, or not at all. A concurrent insert of the same key waits on the uncommitted row and
 * then sees it as a duplicate only if the first transaction committed, so a duplicate is never
 * answered "done" for work that was rolled back.
 */
public class DatabaseIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private final DataSource dataSource;
    private final String processor;

    public DatabaseIdempotentRepository(DataSource dataSource, String processor) {
        this.dataSource = dataSource;
        this.processor = processor;
    }

    @Override
    public boolean add(String key) {
        return update("insert into idempotency_key (processor, key) values (?, ?) on conflict do nothing", key) == 1;
    }

    /**
     * Adds many keys in one round trip, in the caller's JTA transaction, and returns those that
     * were new. Sorted, so that two batches sharing keys lock them in the same order and one waits
     * for the other instead of deadlocking.
     */
    public Set<String> addAll(Collection<String> keys) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(keys));
        List<Object[]> rows = new ArrayList<>(sorted.size());
        sorted.forEach(key -> rows.add(new Object[] { processor, key }));
        try {
            int[] added = Statements.batch(dataSource,
                    "insert into idempotency_key (processor, key) values (?, ?) on conflict do nothing", rows);
            Set<String> fresh = new HashSet<>();
            for (int i = 0; i < added.length; i++) {
                if (added[i] != 0) {
                    fresh.add(sorted.get(i));
                }
            }
            return fresh;
        } catch (SQLException e) {
            throw new StoreException("Idempotency keys could not be recorded", e);
        }
    }

    @Override
    public boolean contains(String key) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select 1 from idempotency_key where processor = ? and key = ?")) {
            statement.setString(1, processor);
            statement.setString(2, key);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        } catch (SQLException e) {
            throw new RuntimeCamelException(e);
        }
    }

    @Override
    public boolean remove(String key) {
        return update("delete from idempotency_key where processor = ? and key = ?", key) == 1;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("Idempotency keys are purged by retention, not cleared");
    }

    private int update(String sql, String key) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, processor);
            statement.setString(2, key);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new RuntimeCamelException(e);
        }
    }
}
