package dev.switchboard.connect;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.switchboard.rules.NamedSql;

/**
 * The databases SQL models and the {@code sql} connector run on: the hub's own, or a business
 * database declared under {@code switchboard.datasources.<name>.*}, opened on first use.
 */
@ApplicationScoped
public class DataSources {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigMapping(prefix = "switchboard")
    public interface Config {

        Map<String, Business> datasources();

        interface Business {
            String jdbcUrl();

            Optional<String> username();

            Optional<String> password();

            @WithDefault("5")
            int maxSize();
        }
    }

    @Inject
    AgroalDataSource hub;

    @Inject
    Config config;

    private final Map<String, AgroalDataSource> opened = new ConcurrentHashMap<>();

    public boolean exists(String name) {
        return config.datasources().containsKey(name);
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
                                .connectionFactoryConfiguration(factory -> {
                                    factory.jdbcUrl(settings.jdbcUrl());
                                    settings.username().ifPresent(user -> factory.principal(new NamePrincipal(user)));
                                    settings.password().ifPresent(pw -> factory.credential(new SimplePassword(pw)));
                                    return factory;
                                })));
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot open datasource '" + name + "'", e);
            }
        });
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
                    value = JSON.writeValueAsString(value);
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
