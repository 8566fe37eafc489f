package dev.switchboard.ingest.cdc;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;

/**
 * Debezium's offset store on the hub's own PostgreSQL (table {@code cdc_offset}), shared by every
 * replica. Debezium creates it by class name ({@code offset.storage}), so it finds the hub's
 * datasource through CDI. It reads every row when its engine starts and writes back only the keys
 * its engine set: a replica leading one source never overwrites another source's offset.
 */
public class JdbcOffsetStore extends MemoryOffsetBackingStore {

    private final Set<ByteBuffer> written = ConcurrentHashMap.newKeySet();

    private DataSource dataSource() {
        return Arc.container().instance(AgroalDataSource.class).get();
    }

    @Override
    public synchronized void start() {
        super.start();
        try (Connection connection = dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("select offset_key, offset_value from cdc_offset");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                byte[] value = rows.getBytes(2);
                data.put(ByteBuffer.wrap(rows.getBytes(1)), value == null ? null : ByteBuffer.wrap(value));
            }
        } catch (SQLException e) {
            throw new ConnectException("Cannot read CDC offsets from table cdc_offset", e);
        }
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        written.addAll(values.keySet());
        return super.set(values, callback);
    }

    /** Runs on the store's executor after {@link #set}; a failure fails the flush, which Debezium retries. */
    @Override
    protected void save() {
        try (Connection connection = dataSource().getConnection();
                PreparedStatement upsert = connection.prepareStatement("insert into cdc_offset (offset_key, offset_value)"
                        + " values (?, ?) on conflict (offset_key) do update"
                        + " set offset_value = excluded.offset_value, updated_at = now()")) {
            for (ByteBuffer key : written) {
                ByteBuffer value = data.get(key);
                upsert.setBytes(1, bytes(key));
                upsert.setBytes(2, value == null ? null : bytes(value));
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException e) {
            throw new ConnectException("Cannot write CDC offsets to table cdc_offset", e);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        // Only Kafka Connect's exactly-once source support asks; the embedded engine does not.
        return Set.of();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}
