package dev.switchboard.ingest.cdc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.boot.BootConfig;
import dev.switchboard.boot.EmbeddedDatabase;

/**
 * One route per CDC source: Debezium's PostgreSQL connector, run through Camel's master component
 * so that one replica at a time captures the source, its changes accepted onto the stream.
 *
 * <p>Debezium hands a change over and only later commits the offsets of changes handed over. The
 * route therefore never lets a change go unaccepted: {@link ChangeAcceptor} retries a failed
 * acceptance (database or broker down) in place, holding the engine, until it succeeds; the offset
 * advances after that. A crash between acceptance and the offset commit replays changes that the
 * idempotent accept drops.
 */
@ApplicationScoped
public class CdcRoutes extends RouteBuilder {

    @Inject
    CdcSources sources;

    @Inject
    CdcConfig config;

    @Inject
    BootConfig boot;

    @Inject
    ChangeAcceptor acceptor;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @Override
    public void configure() throws Exception {
        if (sources.all().isEmpty()) {
            return;
        }
        getContext().addService(ClusterServices.create(config, boot.dataDir(), EmbeddedDatabase.isRunning(),
                this::leaderConnection));
        for (CdcSource source : sources.all()) {
            ChangeEvents events = new ChangeEvents(source);
            from("master:" + source.namespace() + ":" + endpointUri(source)).routeId(source.routeId())
                    .filter(ChangeEvents::isChange)
                        .process(events::toEvent)
                        .process(exchange -> acceptor.accept(source, exchange))
                    .end();
        }
    }

    /**
     * A connection of the election's own to the hub's database, outside the pool: it is held for as
     * long as this replica leads, and its end (close, crash, network) is what hands leadership on.
     */
    private Connection leaderConnection() throws SQLException {
        Properties properties = new Properties();
        username.ifPresent(user -> properties.setProperty("user", user));
        password.ifPresent(secret -> properties.setProperty("password", secret));
        // So that an operator can tell the leader's session in pg_stat_activity.
        properties.setProperty("ApplicationName", "switchboard-cdc-leader");
        // A leader whose host dies or is cut off sends no FIN: without these the server keeps its
        // session, and the lock, until the system's keepalive gives up (two hours and more). With
        // them it probes an idle peer after 5 s and drops it after three unanswered probes (or
        // 10 s of unacknowledged data), so another replica leads within about 15 s.
        properties.setProperty("options", "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2"
                + " -c tcp_keepalives_count=3 -c tcp_user_timeout=10000");
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    private String endpointUri(CdcSource source) {
        CapturedDatabase database = source.database();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("databaseHostname", database.host());
        options.put("databasePort", database.port());
        options.put("databaseDbname", database.dbname());
        options.put("databaseUser", "RAW(" + database.user() + ")");
        options.put("databasePassword", "RAW(" + database.password() + ")");
        // Debezium's logical server name; the engine's name (the path) keys the offsets.
        options.put("topicPrefix", source.name());
        options.put("tableIncludeList", String.join(",", source.tables()));
        options.put("pluginName", source.pluginName());
        options.put("slotName", source.slot());
        options.put("publicationName", source.publication());
        // Create the publication for the captured tables only: all_tables needs a superuser.
        options.put("publicationAutocreateMode", "filtered");
        options.put("snapshotMode", source.snapshotMode());
        options.put("tombstonesOnDelete", false);
        options.put("offsetStorage", JdbcOffsetStore.class.getName());
        options.put("offsetFlushIntervalMs", config.offsetFlushInterval().toMillis());
        // A lost connection to the captured database is retried for ever, resuming from the offset.
        options.put("errorsMaxRetries", -1);
        options.put("retriableRestartConnectorWaitMs", 5000);
        return "debezium-postgres:" + source.name() + "?" + options.entrySet().stream()
                .map(option -> option.getKey() + "=" + option.getValue()).collect(Collectors.joining("&"));
    }
}
