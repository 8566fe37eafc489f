package dev.switchboard.connect.sql;

import java.util.Set;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.connect.DataSources;
import dev.switchboard.connect.NamedSql;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.PortSettings;

/**
 * Runs one statement ({@code statement}) on a datasource ({@code datasource}, the hub's own by
 * default). Its named parameters are the fields of the action's JSON body, plus
 * {@code :idempotency_key}: a statement such as
 * {@code insert ... on conflict (idempotency_key) do nothing} then never applies a run twice.
 */
@ApplicationScoped
@Named("sql")
public class SqlConnector implements Connector {

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of("statement", "datasource");

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    DataSources dataSources;

    @Override
    public void validate(PortSettings settings) {
        NamedSql.parse(settings.require("statement"));
        settings.get("datasource").filter(name -> !dataSources.exists(name)).ifPresent(name -> {
            throw new IllegalArgumentException("no datasource '" + name + "' (set switchboard.datasources."
                    + name + ".jdbc-url)");
        });
    }

    @Override
    public Optional<String> target(PortSettings settings, EventDocument event) {
        return Optional.of("sql on " + settings.get("datasource").map(name -> "datasource " + name)
                .orElse("the hub's database"));
    }

    @Override
    public Delivery deliver(ActionRequest request) throws Exception {
        NamedSql sql = NamedSql.parse(request.settings().require("statement"));
        Map<String, Object> fields;
        try {
            fields = json.readValue(request.body(), new TypeReference<Map<String, Object>>() {
            });
        } catch (java.io.IOException e) {
            throw new ConnectorException("The body of an sql action must be a JSON object", true);
        }
        try (Connection connection = dataSources.get(request.settings().get("datasource")).getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.sql())) {
            DataSources.bind(statement, sql, name -> name.equals("idempotency_key")
                    ? Optional.of(request.idempotencyKey()) : Optional.ofNullable(fields.get(name)));
            dataSources.limit(statement, request.settings().get("datasource"));
            int rows = statement.executeUpdate();
            return new Delivery(null, rows + " row(s)");
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(e.getMessage(), true);
        } catch (SQLException e) {
            throw new ConnectorException("SQL " + e.getSQLState() + ": " + e.getMessage(),
                    !DataSources.isTransient(e), null, null, e);
        }
    }
}
