package dev.switchboard.ingest.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.postgresql.Driver;

/**
 * What a CDC source is doing on this replica, asked of the captured database itself: whether it
 * can be reached, and, on the leader, whether Debezium streams from the source's replication slot.
 */
@ApplicationScoped
public class CdcStatus {

    private static final String SLOT_ACTIVE = "select active from pg_replication_slots where slot_name = ?";

    public enum State {
        /** This replica leads the source and streams its changes. */
        STREAMING,
        /** Another replica leads the source; this one takes over when it goes. */
        STANDBY,
        /** This replica leads the source, the database is up, but nothing streams from the slot. */
        NOT_STREAMING,
        UNREACHABLE
    }

    public record Status(State state, String detail) {
        public boolean isUp() {
            return state == State.STREAMING || state == State.STANDBY;
        }
    }

    @Inject
    CamelContext camel;

    public Status of(CdcSource source) {
        CamelClusterService cluster = camel.hasService(CamelClusterService.class);
        boolean leader = cluster != null && cluster.isLeader(source.namespace());
        CapturedDatabase database = source.database();
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password());
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", "3");
        properties.setProperty("loginTimeout", "3");
        try (Connection connection = new Driver().connect(database.jdbcUrl(), properties);
                PreparedStatement slot = connection.prepareStatement(SLOT_ACTIVE)) {
            if (!leader) {
                return new Status(State.STANDBY, "another replica captures it");
            }
            slot.setString(1, source.slot());
            try (ResultSet active = slot.executeQuery()) {
                return active.next() && active.getBoolean(1) ? new Status(State.STREAMING, "slot " + source.slot())
                        : new Status(State.NOT_STREAMING, "not streaming from slot " + source.slot());
            }
        } catch (SQLException e) {
            return new Status(State.UNREACHABLE, database.describe() + " unreachable (" + e.getMessage() + ")");
        }
    }
}
