package dev.switchboard.ops.ui;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.ingest.RecentDeliveries;
import dev.switchboard.ingest.SourcesConfig;
import dev.switchboard.ingest.SourcesInForce;
import dev.switchboard.ingest.cdc.CdcSource;
import dev.switchboard.ingest.cdc.CdcSources;
import dev.switchboard.ingest.cdc.CdcStatus;
import dev.switchboard.runs.Activity;

/**
 * The overview's source and connector health: every configured source and every bound port, also
 * those that never saw anything, so that an idle or broken one shows instead of being absent.
 */
@ApplicationScoped
public class HealthTables {

    /**
     * A source: deliveries and refusals of the last hour on this replica (a refusal is any delivery
     * not accepted: a webhook answered 4xx or 5xx, a queue message parked as unreadable), accepted
     * events of the last day and the last one ever (all replicas, from the database), and for CDC
     * whether it streams.
     */
    public record SourceRow(String name, String kind, RecentDeliveries.Counts recent, long acceptedLastDay,
            OffsetDateTime lastAccepted, String state, String stateDetail, boolean stateBad) {

        public long errorRatePercent() {
            return percent(recent.refused(), recent.received());
        }

        public boolean neverReceived() {
            return lastAccepted == null && recent.received() == 0;
        }
    }

    /** A bound port: its connector, and its attempts as {@link Activity.PortHealth} counts them. */
    public record PortRow(String port, String connector, Activity.PortHealth health) {

        public long failureRatePercent() {
            return percent(health.failures(), health.attempts());
        }
    }

    @Inject
    SourcesInForce sources;

    @Inject
    RecentDeliveries deliveries;

    @Inject
    CdcSources cdcSources;

    @Inject
    CdcStatus cdcStatus;

    @Inject
    PortBindings bindings;

    @Inject
    Activity activity;

    public List<SourceRow> sources() {
        Map<String, CdcSource> cdc = cdcSources.all().stream()
                .collect(Collectors.toMap(CdcSource::name, Function.identity()));
        Map<String, SourcesConfig.Kind> kinds = sources.kinds();
        return activity.sources(kinds.keySet()).stream().map(health -> {
            String name = health.source();
            CdcStatus.Status status = cdc.containsKey(name) ? cdcStatus.of(cdc.get(name)) : null;
            return new SourceRow(name, kinds.get(name).name().toLowerCase(), deliveries.of(name),
                    health.received(), health.lastEvent(), status == null ? "" : status.state().name(),
                    status == null ? "" : status.detail(), status != null && !status.isUp());
        }).toList();
    }

    public List<PortRow> ports() {
        Map<String, PortBinding> bound = bindings.all();
        return activity.ports(bound.keySet()).stream()
                .map(health -> new PortRow(health.port(), bound.get(health.port()).connectorName(), health))
                .toList();
    }

    private static long percent(long part, long whole) {
        return whole == 0 ? 0 : Math.round(part * 100.0 / whole);
    }
}
