package dev.switchboard.ingest.cdc;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Restarts a CDC source's route when this replica leads it, its database is up, and still nothing
 * streams after {@code switchboard.cdc.restart-after}. Debezium reconnects by itself after a lost
 * connection, but an engine that failed to start (its database or the offset table unreachable at
 * that moment) is not retried by Camel's consumer: the restart starts a new one from the offset.
 */
@ApplicationScoped
public class CdcSupervisor {

    private static final Logger LOG = Logger.getLogger(CdcSupervisor.class);

    @Inject
    CdcSources sources;

    @Inject
    CdcStatus status;

    @Inject
    CdcConfig config;

    @Inject
    CamelContext camel;

    private final Map<String, Instant> notStreamingSince = new ConcurrentHashMap<>();

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void supervise() throws Exception {
        for (CdcSource source : sources.all()) {
            if (status.of(source).state() != CdcStatus.State.NOT_STREAMING) {
                notStreamingSince.remove(source.name());
                continue;
            }
            Instant since = notStreamingSince.computeIfAbsent(source.name(), name -> Instant.now());
            if (Duration.between(since, Instant.now()).compareTo(config.restartAfter()) >= 0) {
                LOG.warnf("CDC source %s has not streamed for %s: restarting route %s", source.name(),
                        config.restartAfter(), source.routeId());
                notStreamingSince.remove(source.name());
                camel.getRouteController().stopRoute(source.routeId());
                camel.getRouteController().startRoute(source.routeId());
            }
        }
    }
}
