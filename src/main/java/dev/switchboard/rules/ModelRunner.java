package dev.switchboard.rules;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.connect.DataSources;
import dev.switchboard.core.EventDocument;

/** Runs SQL models with their parameters bound from an event. */
@ApplicationScoped
public class ModelRunner {

    @Inject
    DataSources dataSources;

    /**
     * The model's first row, column label to value; empty when it returns no row.
     *
     * @throws ModelException when the query fails, saying whether a later try could succeed
     */
    public Optional<Map<String, Object>> run(SqlModel model, EventDocument event) {
        try (Connection connection = dataSources.get(model.datasource()).getConnection();
                PreparedStatement statement = connection.prepareStatement(model.query().sql())) {
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
        } catch (IllegalArgumentException e) {
            throw new ModelException("model " + model.name() + ": " + e.getMessage(), false, e);
        } catch (SQLException e) {
            if (DataSources.isTimeout(e)) {
                // Not retried in place: it would hold the consumers, and every event behind it, again.
                throw new ModelException("model " + model.name() + " took longer than its statement timeout ("
                        + dataSources.statementTimeout(model.datasource()).toSeconds() + "s)", false, e);
            }
            throw new ModelException("model " + model.name() + " failed: SQL " + e.getSQLState() + ": "
                    + e.getMessage(), DataSources.isTransient(e), e);
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
