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
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.postgresql.Driver;

/**
 * Readiness of the CDC sources, one entry per source: {@code DOWN} while its captured database
 * cannot be reached, or while this replica leads the source but its replication slot is not being
 * streamed (Debezium not connected yet, or reconnecting); {@code UP} when streaming, and
 * {@code STANDBY} on a replica that waits to take the source over.
 */
@Readiness
@ApplicationScoped
public class CdcReadinessCheck implements HealthCheck {

    private static final String SLOT_ACTIVE = "select active from pg_replication_slots where slot_name = ?";

    @Inject
    CdcSources sources;

    @Inject
    CamelContext camel;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("cdc-sources").up();
        CamelClusterService cluster = camel.hasService(CamelClusterService.class);
        for (CdcSource source : sources.all()) {
            String state = state(source, cluster != null && cluster.isLeader(source.namespace()));
            response.withData(source.name(), state);
            if (state.startsWith("DOWN")) {
                response.down();
            }
        }
        return response.build();
    }

    private static String state(CdcSource source, boolean leader) {
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
                return "STANDBY";
            }
            slot.setString(1, source.slot());
            try (ResultSet active = slot.executeQuery()) {
                return active.next() && active.getBoolean(1) ? "UP"
                        : "DOWN: not streaming from slot " + source.slot() + " yet";
            }
        } catch (SQLException e) {
            return "DOWN: " + database.describe() + " unreachable (" + e.getMessage() + ")";
        }
    }
}
