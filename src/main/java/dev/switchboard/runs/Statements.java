package dev.switchboard.runs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Plain JDBC on the pooled datasource, whose connections join the caller's JTA transaction. The
 * hot path of every event and run is written this way: Hibernate's native-query handling (parsing
 * the SQL, binding, opening a session) cost a fifth of the CPU there (bench/RESULTS.md, steps 7
 * and 10). Parameters are positional; a null is sent untyped and takes its column's type.
 */
final class Statements {

    /** One row of a result, read into a value. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private Statements() {
    }

    static int update(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /**
     * One statement for many rows, sent in one round trip (pgjdbc pipelines a batch); returns each
     * row's update count. Not rewritten into one multi-row statement, so the counts are exact: an
     * {@code on conflict do nothing} row that was skipped counts 0.
     */
    static int[] batch(DataSource dataSource, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    statement.setObject(i + 1, row[i]);
                }
                statement.addBatch();
            }
            return statement.executeBatch();
        } catch (AssertionError e) {
            // pgjdbc asserts, where assertions are enabled (as in the tests), on a connection the
            // server closed; without them that is an SQLException of class 08: say so either way.
            throw new SQLNonTransientConnectionException("The database connection is broken", "08003", e);
        }
    }

    static <T> List<T> query(DataSource dataSource, String sql, RowReader<T> reader, Object... parameters)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            List<T> values = new ArrayList<>();
            while (rows.next()) {
                values.add(reader.read(rows));
            }
            return values;
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }
}
