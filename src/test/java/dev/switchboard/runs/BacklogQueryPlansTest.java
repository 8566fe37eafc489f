package dev.switchboard.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.Json;
import dev.switchboard.support.HubTestProfile;

/**
 * The two writes every event pays for while a backlog drains, judging it and claiming its runs,
 * read the rows they write and not the backlog. Each test builds a backlog of 3,000 in a
 * transaction it rolls back, after PostgreSQL's statistics were taken while nothing was waiting
 * (as they are when the stream keeps up), runs the statement under {@code explain analyze}, and
 * counts the rows its plan read from the table.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BacklogQueryPlansTest {

    static final int BACKLOG = 3_000;
    static final int BATCH = 64;

    @Inject
    DataSource dataSource;

    @Test
    void judgingAnEventReadsThatEventAloneHoweverManyAreWaiting() throws Exception {
        rolledBack(this::judgeInABacklog);
    }

    private void judgeInABacklog(Connection connection) throws Exception {
        execute(connection, insertEvents("PROCESSED"), "analyze event", insertEvents("RECEIVED"));
        UUID waiting = first(connection, "select id from event where state = 'RECEIVED' and source = 'plan-test'");

        JsonNode plan = explain(connection, EventLog.JUDGE, "PROCESSED", OffsetDateTime.now(), "a-rule", null, waiting);

        List<JsonNode> reads = reads(plan, "event");
        assertFalse(reads.isEmpty(), plan.toString());
        assertEquals(1, rowsRead(reads), "the judged update read other events than its own: " + plan);
    }

    @Test
    void claimingABatchOfRunsReadsTheBatchNotEveryDueRun() throws Exception {
        rolledBack(this::claimInABacklog);
    }

    private void claimInABacklog(Connection connection) throws Exception {
        execute(connection, insertEvents("PROCESSED"), "analyze action_run", """
                insert into action_run (id, event_id, rule_id, action_id, port, state, max_attempts,
                    initial_delay_ms, max_delay_ms, next_attempt_at)
                select gen_random_uuid(), id, 'plan-test', 'a', 'plan-port', 'PENDING', 3, 1000, 60000,
                    now() - interval '1 minute'
                from event where source = 'plan-test'
                """, RunLedger.CLAIM_PLAN);

        JsonNode plan = explain(connection, RunLedger.CLAIM, new String[] {"plan-port"}, BATCH,
                new String[] {"plan-port"}, BATCH, BATCH, "plan-test-node", 30.0);

        // The reads that look for due runs (not the lookups by id of the ones taken).
        List<JsonNode> reads = reads(plan, "action_run").stream()
                .filter(read -> read.toString().contains("next_attempt_at")).toList();
        assertFalse(reads.isEmpty(), plan.toString());
        assertTrue(rowsRead(reads) <= BATCH, "a claim of " + BATCH + " read " + rowsRead(reads)
                + " due runs: " + plan);
        assertEquals(BATCH, plan.path(0).path("Plan").path("Actual Rows").asLong(), plan.toString());
    }

    @FunctionalInterface
    interface Step {
        void run(Connection connection) throws Exception;
    }

    /** Nothing a test writes stays: the test database is shared by the whole suite. */
    private void rolledBack(Step step) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                step.run(connection);
            } finally {
                connection.rollback();
            }
        }
    }

    private static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    private static String insertEvents(String state) {
        return "insert into event (id, source, delivery_id, type, received_at, state, envelope)"
                + " select gen_random_uuid(), 'plan-test', '" + state + "-' || n, 'plan.test', now(), '" + state + "', '{}'"
                + " from generate_series(1, " + BACKLOG + ") n";
    }

    private static UUID first(Connection connection, String query) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery(query)) {
            assertTrue(row.next(), query);
            return row.getObject(1, UUID.class);
        }
    }

    private static JsonNode explain(Connection connection, String statement, Object... parameters) throws Exception {
        try (PreparedStatement explain = connection.prepareStatement("explain (analyze, format json) " + statement)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof String[] array) {
                    explain.setArray(i + 1, connection.createArrayOf("text", array));
                } else {
                    explain.setObject(i + 1, parameters[i]);
                }
            }
            try (ResultSet row = explain.executeQuery()) {
                row.next();
                return Json.MAPPER.readTree(row.getString(1));
            }
        }
    }

    /** The plan's scans of a table (a lookup by id per claimed row included), not its write. */
    private static List<JsonNode> reads(JsonNode plan, String table) {
        return plan.findParents("Node Type").stream()
                .filter(node -> table.equals(node.path("Relation Name").asText()))
                .filter(node -> !node.path("Node Type").asText().equals("ModifyTable")).toList();
    }

    /** Rows each scan returned or read and dropped, over all its loops. */
    private static long rowsRead(List<JsonNode> reads) {
        return reads.stream().mapToLong(node -> node.path("Actual Loops").asLong(1)
                * (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
                + node.path("Rows Removed by Index Recheck").asLong()).sum();
    }
}
