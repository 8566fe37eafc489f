package dev.switchboard.ingest.cdc;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import io.cloudevents.CloudEvent;

import dev.switchboard.boot.BootConfig;
import dev.switchboard.ingest.IngestMetrics;
import dev.switchboard.stream.Stream;
import dev.switchboard.stream.StreamRoutes;

/**
 * One route per CDC source: Debezium's PostgreSQL connector, run through Camel's master component
 * so that one replica at a time captures the source, its changes accepted onto the stream.
 *
 * <p>Debezium hands a change over and only later commits the offsets of changes handed over. The
 * route therefore never lets a change go unaccepted: a failed acceptance (database or broker down)
 * is retried in place, holding the engine, until it succeeds; the offset advances after that. A
 * crash between acceptance and the offset commit replays changes that the idempotent accept drops.
 */
@ApplicationScoped
public class CdcRoutes extends RouteBuilder {

    private static final String COMMITTED_AT = "SwitchboardCommittedAt";

    @Inject
    CdcSources sources;

    @Inject
    CdcConfig config;

    @Inject
    BootConfig boot;

    @Inject
    IngestMetrics metrics;

    @Override
    public void configure() throws Exception {
        if (sources.all().isEmpty()) {
            return;
        }
        getContext().addService(ClusterServices.create(config, boot.dataDir()));
        for (CdcSource source : sources.all()) {
            ChangeEvents events = new ChangeEvents(source);
            from("master:" + source.namespace() + ":" + endpointUri(source)).routeId(source.routeId())
                    .errorHandler(defaultErrorHandler()
                            .maximumRedeliveries(-1).redeliveryDelay(1000).useExponentialBackOff()
                            .maximumRedeliveryDelay(30_000).retryAttemptedLogLevel(LoggingLevel.WARN)
                            // stopping must not wait for the database: the offset has not moved past the change
                            .allowRedeliveryWhileStopping(false))
                    .filter(ChangeEvents::isChange)
                        .process(events::toEvent)
                        .process(exchange -> received(source, exchange))
                        .to(Stream.ACCEPT)
                        .process(exchange -> count(source, exchange))
                    .end();
        }
    }

    private void received(CdcSource source, Exchange exchange) {
        metrics.received(source.name());
        exchange.setProperty(COMMITTED_AT, exchange.getMessage().getBody(CloudEvent.class).getTime());
    }

    /** Accepted changes are timed from their commit in the captured database: the capture lag. */
    private void count(CdcSource source, Exchange exchange) {
        if (exchange.getProperty(StreamRoutes.DUPLICATE, false, Boolean.class)) {
            metrics.duplicate(source.name());
        } else {
            OffsetDateTime committed = exchange.getProperty(COMMITTED_AT, OffsetDateTime.class);
            metrics.accepted(source.name(), Duration.between(committed.toInstant(), Instant.now()));
        }
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
