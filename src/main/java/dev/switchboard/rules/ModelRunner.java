package dev.switchboard.rules;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.postgresql.core.Parser;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.switchboard.connect.DataSources;
import dev.switchboard.core.EventDocument;

/** Runs SQL models with their parameters bound from an event. */
@ApplicationScoped
public class ModelRunner {

    /**
     * How long a datasource that failed as if away, or timed out, after making its caller wait, is
     * not asked again: each event behind the first would otherwise wait for the same connect,
     * acquisition, socket or statement timeout before learning the same thing. A quick failure
     * (refused, a dead pooled connection) costs nobody a wait, and is tried again at once.
     */
    static final Duration REST = Duration.ofSeconds(5);
    private static final Duration SLOW_FAILURE = Duration.ofSeconds(1);

    @Inject
    DataSources dataSources;

    /** Each datasource that failed as if away: until when it rests, and why. */
    private final Map<String, Away> away = new ConcurrentHashMap<>();

    private record Away(long untilNanos, String reason) {
    }

    /**
     * The model's first row, column label to value; empty when it returns no row.
     *
     * @throws ModelException when the query fails, saying whether a later try could succeed
     */
    public Optional<Map<String, Object>> run(SqlModel model, EventDocument event) {
        String datasource = model.datasource().orElse("");
        Away resting = away.get(datasource);
        if (resting != null && System.nanoTime() - resting.untilNanos() < 0) {
            throw new ModelException("model " + model.name() + " not run: its database failed less than "
                    + REST.toSeconds() + " s ago (" + resting.reason() + ")", true, null);
        }
        long started = System.nanoTime();
        try (Connection connection = dataSources.get(model.datasource()).getConnection()) {
            // A model reads: in a read-only transaction, rolled back, so that a model written as
            // "delete ... returning true" changes nothing, from a live event or from a dry run.
            beginReadOnly(connection);
            try {
                return firstRow(connection, model, event);
            } finally {
                endReadOnly(connection);
            }
        } catch (IllegalArgumentException e) {
            throw new ModelException("model " + model.name() + ": " + e.getMessage(), false, e);
        } catch (SQLException e) {
            ModelException failure = failure(model, e);
            // A statement timeout fails its own event, and rests the datasource too: the events
            // behind, each waiting out the same timeout, would hold the stream for minutes.
            boolean waited = System.nanoTime() - started > SLOW_FAILURE.toNanos();
            if (waited && (failure.isTransient() || DataSources.isTimeout(e))) {
                away.put(datasource, new Away(System.nanoTime() + REST.toNanos(), failure.getMessage()));
            }
            throw failure;
        }
    }

    /**
     * Runs models read-only on one connection per datasource, in one transaction rolled back when
     * closed: for many events in a row (a page of a backtest), without a pool checkout and a
     * transaction of their own for every model call.
     */
    public ReadOnlySession readOnlySession() {
        return new ReadOnlySession();
    }

    /** See {@link #readOnlySession()}; not thread-safe. */
    public final class ReadOnlySession implements RuleEvaluator.Models, AutoCloseable {

        private final Map<Optional<String>, Connection> connections = new LinkedHashMap<>();

        private ReadOnlySession() {
        }

        @Override
        public Optional<Map<String, Object>> run(SqlModel model, EventDocument event) {
            try {
                Connection connection = connections.get(model.datasource());
                if (connection == null) {
                    connection = dataSources.get(model.datasource()).getConnection();
                    connections.put(model.datasource(), connection);
                    beginReadOnly(connection);
                }
                return firstRow(connection, model, event);
            } catch (IllegalArgumentException e) {
                throw new ModelException("model " + model.name() + ": " + e.getMessage(), false, e);
            } catch (SQLException e) {
                // The transaction is spoilt for the models after this one: start them on a new one.
                close(model.datasource());
                throw failure(model, e);
            }
        }

        @Override
        public void close() {
            List.copyOf(connections.keySet()).forEach(this::close);
        }

        private void close(Optional<String> datasource) {
            Connection connection = connections.remove(datasource);
            if (connection == null) {
                return;
            }
            try (connection) {
                endReadOnly(connection);
            } catch (SQLException e) {
                // A broken connection goes back to the pool, which drops it.
            }
        }
    }

    /** The next statement starts a read-only transaction (pgjdbc sends {@code BEGIN READ ONLY} with it). */
    private static void beginReadOnly(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
    }

    /** Rolls back what the models read and gives the connection back to the pool as it came. */
    private static void endReadOnly(Connection connection) throws SQLException {
        connection.rollback();
        connection.setReadOnly(false);
        connection.setAutoCommit(true);
    }

    private Optional<Map<String, Object>> firstRow(Connection connection, SqlModel model, EventDocument event)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(model.query().sql())) {
            DataSources.bind(statement, model.query(), event::lookup);
            dataSources.limit(statement, model.datasource());
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                ResultSetMetaData columns = result.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    row.put(columns.getColumnLabel(i), result.getObject(i));
                }
                return Optional.of(row);
            }
        }
    }

    private ModelException failure(SqlModel model, SQLException e) {
        if (DataSources.isTimeout(e)) {
            // Not retried in place: it would hold the consumers, and every event behind it, again.
            return new ModelException("model " + model.name() + " took longer than its statement timeout ("
                    + dataSources.statementTimeout(model.datasource()).toSeconds() + "s)", false, e);
        }
        return new ModelException("model " + model.name() + " failed: SQL " + e.getSQLState() + ": "
                + e.getMessage(), DataSources.isTransient(e), e);
    }

    /** What the database finds wrong with a model's statement, at this line of its file. */
    public record Mistake(int line, String reason) {
    }

    /**
     * The SQL states of a statement that can never run as written: a syntax error, a table, column
     * or schema that is not there. Not a function that does not exist: without an event, a
     * parameter's type is unknown, and the function may well exist for the type the event brings.
     */
    private static final Set<String> NEVER_RUNS = Set.of("42601", "42P01", "42703", "3F000");

    /**
     * What is wrong with a model's statement that no event can mend, found by the database without
     * running it (parsed and described, pgjdbc's {@code getMetaData}); empty when it compiles, or
     * when whether it runs depends on an event's values.
     *
     * @throws ModelException when the database cannot be asked (down, slow to answer, or refusing the login)
     */
    public Optional<Mistake> mistake(SqlModel model) {
        try (Connection connection = dataSources.get(model.datasource()).getConnection();
                PreparedStatement statement = connection.prepareStatement(model.query().sql())) {
            dataSources.limit(statement, model.datasource());
            statement.getMetaData();
            return Optional.empty();
        } catch (SQLException e) {
            // Or not to be asked at all by this login (28: authorization, 3D: no such database): the
            // other models of the datasource would each wait for the same answer.
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (DataSources.isTransient(e) || DataSources.isTimeout(e) || state.startsWith("28") || state.startsWith("3D")) {
                throw failure(model, e);
            }
            if (!NEVER_RUNS.contains(e.getSQLState()) || !(e instanceof PSQLException error)
                    || error.getServerErrorMessage() == null) {
                return Optional.empty();
            }
            ServerErrorMessage message = error.getServerErrorMessage();
            String hint = message.getHint() == null ? "" : " (" + message.getHint() + ")";
            return Optional.of(new Mistake(model.firstLine() + lineOf(model.query().sql(), message.getPosition()),
                    "model '" + model.name() + "' cannot run: " + message.getMessage() + hint));
        }
    }

    /**
     * The line, counted from 0, of a position PostgreSQL gives in the statement it was sent: pgjdbc
     * sends {@code $1} where the model's {@code :data.total} was, which moves positions, not lines.
     */
    private static int lineOf(String sql, int position) {
        try {
            String sent = Parser.parseJdbcSql(sql, true, true, false, false, false).get(0).nativeSql;
            return (int) sent.substring(0, Math.max(0, Math.min(position - 1, sent.length()))).chars()
                    .filter(c -> c == '\n').count();
        } catch (SQLException | RuntimeException e) {
            return 0;
        }
    }

    /** A model passes when its first row's first column is true. */
    public static boolean passes(Optional<Map<String, Object>> row) {
        return row.map(columns -> columns.values().stream().findFirst().orElse(null))
                .map(first -> Boolean.TRUE.equals(first) || "true".equalsIgnoreCase(String.valueOf(first))
                        || "t".equalsIgnoreCase(String.valueOf(first)))
                .orElse(false);
    }

    /** A model that could not be evaluated. */
    public static class ModelException extends RuntimeException {

        private final boolean transientFailure;

        public ModelException(String message, boolean transientFailure, Throwable cause) {
            super(message, cause);
            this.transientFailure = transientFailure;
        }

        public boolean isTransient() {
            return transientFailure;
        }
    }
}
