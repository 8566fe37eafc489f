package dev.switchboard.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the hub's database holds of one source's events and their runs, as the fault suites read it. */
final class HubRecords {

    private HubRecords() {
    }

    /** An event as the hub's database holds it, with its runs. */
    record Event(String id, String state, String error, List<Run> runs) {
    }

    /**
     * A run: its id (the idempotency key), state, attempts, seconds from its event's acceptance to
     * its last update, and when that last update was (epoch milliseconds, the database's clock).
     */
    record Run(String id, String state, String lastError, int attempts, double secondsToSettle, long updatedAt) {
    }

    /** Every event of the source with its runs, by delivery id. */
    static Map<String, Event> events(Connection connection, String source) throws SQLException {
        Map<String, Event> events = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            Map<String, String> deliveryOf = new HashMap<>();
            try (ResultSet rows = statement.executeQuery(
                    "select id, delivery_id, state, error from event where source = '" + source + "'")) {
                while (rows.next()) {
                    events.put(rows.getString(2), new Event(rows.getString(1), rows.getString(3), rows.getString(4), new ArrayList<>()));
                    deliveryOf.put(rows.getString(1), rows.getString(2));
                }
            }
            try (ResultSet rows = statement.executeQuery("select r.event_id, r.id, r.state, r.last_error, r.attempts,"
                    + " extract(epoch from r.updated_at - e.received_at), (extract(epoch from r.updated_at) * 1000)::bigint"
                    + " from action_run r join event e on e.id = r.event_id where e.source = '" + source + "'")) {
                while (rows.next()) {
                    events.get(deliveryOf.get(rows.getString(1))).runs().add(new Run(rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getInt(5), rows.getDouble(6), rows.getLong(7)));
                }
            }
        }
        return events;
    }
}
