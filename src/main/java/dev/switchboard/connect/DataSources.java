package dev.switchboard.connect;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.switchboard.core.Json;


/**
 * The databases SQL models and the {@code sql} connector run on: the hub's own, or a business
 * database declared under {@code switchboard.datasources.<name>.*}, opened on first use.
 */
@ApplicationScoped
public class DataSources {


    @ConfigMapping(prefix = "switchboard")
    public interface Config {

        Map<String, Business> datasources();

        interface Business {
            String jdbcUrl();

            Optional<String> username();

            Optional<String> password();

            @WithDefault("5")
            int maxSize();

            /** How long a model or sql action waits for a free connection before it fails. */
            @WithDefault("5s")
            Duration acquisitionTimeout();

            /** How long opening a connection may take: a database that does not answer fails, it does not hang. */
            @WithDefault("5s")
            Duration loginTimeout();

            /** How long one statement may run (models and sql actions); see {@link #statementTimeout}. */
            @WithDefault("10s")
            Duration statementTimeout();
        }
    }

    @Inject
    AgroalDataSource hub;

    @Inject
    Config config;

    private static final Duration IDLE_VALIDATION = Duration.ofSeconds(1);

    private final Map<String, AgroalDataSource> opened = new ConcurrentHashMap<>();

    public boolean exists(String name) {
        return config.datasources().containsKey(name);
    }

    /** The names of the business datasources declared. */
    public Set<String> names() {
        return config.datasources().keySet();
    }

    /** The named business database, or the hub's own when no name is given. */
    public DataSource get(Optional<String> name) {
        return name.<DataSource>map(this::business).orElse(hub);
    }

    private AgroalDataSource business(String name) {
        Config.Business settings = config.datasources().get(name);
        if (settings == null) {
            throw new IllegalArgumentException("no datasource '" + name + "' (set switchboard.datasources." + name
                    + ".jdbc-url)");
        }
        return opened.computeIfAbsent(name, key -> {
            try {
                return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                        .connectionPoolConfiguration(pool -> pool.maxSize(settings.maxSize())
                                .acquisitionTimeout(settings.acquisitionTimeout())
                                // A connection idle for a while is checked before it is handed out: after
                                // the database restarted or was away, the pool holds dead ones, and each
                                // would fail one more event before the pool learned it.
                                .idleValidationTimeout(IDLE_VALIDATION)
                                .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(
                                        (int) Math.max(1, settings.loginTimeout().toSeconds())))
                                .connectionFactoryConfiguration(factory -> {
                                    factory.jdbcUrl(settings.jdbcUrl()).loginTimeout(settings.loginTimeout());
                                    // A host that stops answering answers the statement timeout's cancel no
                                    // more than the query: only a socket timeout ends the read, and the
                                    // cancel waits for its own. (The same settings in jdbc-url win.)
                                    factory.jdbcProperty("socketTimeout", Long.toString(
                                            settings.statementTimeout().plus(SOCKET_MARGIN).toSeconds()));
                                    factory.jdbcProperty("cancelSignalTimeout", Long.toString(SOCKET_MARGIN.toSeconds()));
                                    settings.username().ifPresent(user -> factory.principal(new NamePrincipal(user)));
                                    settings.password().ifPresent(pw -> factory.credential(new SimplePassword(pw)));
                                    return factory;
                                })));
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot open datasource '" + name + "'", e);
            }
        });
    }

    /**
     * How long a statement on the named database may run (10 s on the hub's own): a slow model
     * fails its event's evaluation instead of holding the stream's consumers.
     */
    public Duration statementTimeout(Optional<String> name) {
        return name.map(config.datasources()::get).map(Config.Business::statementTimeout).orElse(HUB_STATEMENT_TIMEOUT);
    }

    static final Duration HUB_STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    /** How much longer than a statement may run a business database may leave a read unanswered. */
    static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);

    /** Gives the statement the named database's statement timeout (JDBC counts it in whole seconds). */
    public void limit(PreparedStatement statement, Optional<String> name) throws SQLException {
        long millis = statementTimeout(name).toMillis();
        statement.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000)));
    }

    /** PostgreSQL's answer to a statement cancelled by its timeout. */
    public static boolean isTimeout(SQLException error) {
        return "57014".equals(error.getSQLState());
    }

    /** Binds the statement's named parameters in order, looking each value up by name. */
    public static void bind(PreparedStatement statement, NamedSql sql, Function<String, Optional<Object>> values)
            throws SQLException {
        List<String> parameters = sql.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            String name = parameters.get(i);
            Object value = values.apply(name).orElseThrow(() -> new IllegalArgumentException(
                    "parameter :" + name + " has no value in this event"));
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                try {
                    // Json.MAPPER, not Quarkus's: a model's row may hold dates, written as before.
                    value = Json.MAPPER.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("parameter :" + name + " cannot be written as JSON", e);
                }
            }
            statement.setObject(i + 1, value);
        }
    }

    /** Connection trouble, rollbacks and resource limits may pass; a wrong statement will not. */
    public static boolean isTransient(SQLException error) {
        String state = error.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                || state.startsWith("57");
    }

    @PreDestroy
    void close() {
        opened.values().forEach(AgroalDataSource::close);
    }
}
