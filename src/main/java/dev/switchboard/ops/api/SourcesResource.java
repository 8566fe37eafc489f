package dev.switchboard.ops.api;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.ingest.SourcesConfig;
import dev.switchboard.ingest.SourcesInForce;
import dev.switchboard.ingest.WebhookSource;
import dev.switchboard.ingest.WebhookSources;
import dev.switchboard.runs.Activity;

/** The configured sources, with the last day's counts and their last event. */
@Path("/api/sources")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class SourcesResource {

    @Inject
    SourcesInForce sources;

    @Inject
    WebhookSources webhooks;

    @Inject
    Activity activity;

    public record SourceView(String name, String kind, String contentType, long receivedLastDay,
            long failedLastDay, OffsetDateTime lastEvent) {
    }

    @GET
    public List<SourceView> list() {
        Map<String, SourcesConfig.Kind> kinds = sources.kinds();
        Map<String, Activity.SourceHealth> health = activity.sources(kinds.keySet()).stream()
                .collect(Collectors.toMap(Activity.SourceHealth::source, Function.identity()));
        return kinds.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(entry -> {
            String name = entry.getKey();
            Activity.SourceHealth recent = health.get(name);
            return new SourceView(name, entry.getValue().name().toLowerCase(),
                    webhooks.find(name).map(WebhookSource::contentType).orElse(null),
                    recent == null ? 0 : recent.received(), recent == null ? 0 : recent.failed(),
                    recent == null ? null : recent.lastEvent());
        }).toList();
    }
}
