package dev.switchboard.ops.ui;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;

import dev.switchboard.backtest.Backtests;
import dev.switchboard.core.ReplayRefusedException;
import dev.switchboard.ingest.Problem;
import dev.switchboard.ops.alerts.Incidents;
import dev.switchboard.ops.api.DryRuns;
import dev.switchboard.ops.api.EventsResource;
import dev.switchboard.ops.api.Roles;
import dev.switchboard.ops.api.RulesResource;
import dev.switchboard.ops.api.RunsResource;
import dev.switchboard.rules.RuleLoadError;
import dev.switchboard.ops.RuleWarnings;
import dev.switchboard.routes.UserRoutes;
import dev.switchboard.rules.AlertsRule;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.Activity;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.RunOperations;
import dev.switchboard.runs.RunState;

/**
 * The dashboard at {@code /ui}: server-rendered pages over the same data as the API. Pages
 * refresh by themselves; replay and discard are forms, confirmed in the browser, for operators.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class DashboardResource {

    private static final int PAGE_SIZE = 50;
    private static final int DEAD_SHOWN = 200;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Activity.Totals totals, String chart, String bySource,
                String byPort, List<HealthTables.SourceRow> sources, List<HealthTables.PortRow> ports,
                List<Incidents.Incident> incidents, List<RuleLoadError> rejected,
                List<RulesInForce.RestartNeeded> restartNeeded, List<RuleWarnings.Warning> warnings);

        static native TemplateInstance events(EventsResource.EventList events, String source, String type,
                String state, String q, int newer, int older, String message);

        static native TemplateInstance event(EventsResource.EventDetail detail, String payload,
                Map<UUID, List<RunsResource.AttemptView>> attempts);

        static native TemplateInstance dead(List<RunsResource.RunView> runs, long total, boolean operator,
                String message, Map<UUID, EventLog.Origin> origins, String q);

        static native TemplateInstance rules(RulesResource.RulesView rules, boolean operator);

        static native TemplateInstance backtest(List<Backtests.Status> backtests, Backtests.Status shown,
                boolean operator, String message);

        static native TemplateInstance dryRun(String event, DryRuns.DryRun result, String error, boolean operator);
    }

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    Activity activity;

    @Inject
    HealthTables health;

    @Inject
    Incidents incidents;

    @Inject
    EventsResource events;

    @Inject
    RulesResource rules;

    @Inject
    RunOperations runs;

    @Inject
    RunsResource runsApi;

    @Inject
    RulesInForce repository;

    @Inject
    RuleWarnings ruleWarnings;

    @Inject
    UserRoutes userRoutes;

    @Inject
    SecurityIdentity identity;

    @Inject
    Backtests backtests;

    @Inject
    DryRuns dryRuns;

    @Inject
    EventLog eventLog;

    @GET
    public TemplateInstance overview() throws JsonProcessingException {
        return Templates.overview(activity.totals(ownSources()),
                json.writeValueAsString(activity.lastDay(Activity.Breakdown.ALL).getOrDefault("all", List.of())),
                json.writeValueAsString(activity.lastDay(Activity.Breakdown.SOURCE)),
                json.writeValueAsString(activity.lastDay(Activity.Breakdown.PORT)), health.sources(), health.ports(),
                incidents.open(), repository.errors(), repository.restartNeeded(), ruleWarnings.current());
    }

    /** The sources of the hub's own events: its alerts, and whatever its user routes publish. */
    private java.util.Set<String> ownSources() {
        java.util.Set<String> own = new java.util.TreeSet<>(List.of(AlertsRule.SOURCE));
        userRoutes.routes().forEach(route -> own.add(route.id()));
        return own;
    }

    @GET
    @Path("events")
    public TemplateInstance events(@QueryParam("source") String source, @QueryParam("type") String type,
            @QueryParam("state") String state, @QueryParam("q") String q,
            @QueryParam("page") @DefaultValue("0") int page) {
        EventsResource.EventList found;
        try {
            found = events.list(blankToNull(source), blankToNull(type), blankToNull(state), null, null,
                    blankToNull(q), page, PAGE_SIZE);
        } catch (Problem tooBroad) {
            if (tooBroad.status() != 422) {
                throw tooBroad;
            }
            // The filters stay in the form, to be narrowed.
            return Templates.events(new EventsResource.EventList(List.of(), page, PAGE_SIZE, 0, true), value(source),
                    value(type), value(state), value(q), -1, -1, tooBroad.detail());
        }
        return Templates.events(found, value(source), value(type), value(state), value(q), page - 1,
                (long) (page + 1) * PAGE_SIZE < found.total() ? page + 1 : -1, null);
    }

    @GET
    @Path("events/{id}")
    public TemplateInstance event(@PathParam("id") String id) throws java.io.IOException {
        EventsResource.EventDetail detail = events.get(id);
        Map<UUID, List<RunsResource.AttemptView>> attempts = detail.runs().stream().collect(Collectors.toMap(
                RunsResource.RunView::id, run -> runsApi.attempts(runs.get(run.id()).orElseThrow())));
        return Templates.event(detail, json.writerWithDefaultPrettyPrinter().writeValueAsString(detail.envelope()),
                attempts);
    }

    @GET
    @Path("dead")
    public TemplateInstance dead(@QueryParam("message") String message, @QueryParam("q") String q) {
        // Searched by what an operator has in hand: a delivery id or source from the sender, words
        // of the payload or of the error, a rule or port. Events by their own columns and data.
        Optional<RunOperations.Text> text = Optional.ofNullable(blankToNull(q)).map(String::strip)
                .map(words -> {
                    List<UUID> deadEvents = runs.eventsOfDeadRuns(SEARCHED_DEAD_EVENTS);
                    // Every one that has the words, so that the count shown is the count there is.
                    return new RunOperations.Text(words, eventLog.containing(words, deadEvents, deadEvents.size()));
                });
        RunOperations.RunPage dead = runs.find(new RunOperations.Filter(Optional.of(RunState.DEAD), Optional.empty(),
                Optional.empty(), Optional.empty(), text), 0, DEAD_SHOWN);
        List<RunsResource.RunView> shown = dead.runs().stream().map(RunsResource.RunView::of).toList();
        // Viewers see no buttons: the server would refuse them anyway (403).
        return Templates.dead(shown, dead.total(), identity.hasRole(Roles.OPERATOR), value(message),
                eventLog.origins(shown.stream().map(RunsResource.RunView::event).distinct().toList()), value(q));
    }

    /** A dead-run search looks for the words in the events whose runs died last, this many. */
    private static final int SEARCHED_DEAD_EVENTS = 10_000;

    /** A run is shown on its event's page: an incident about a run links here. */
    @GET
    @Path("runs/{id}")
    public Response run(@PathParam("id") UUID id) {
        return runs.get(id).map(run -> Response.seeOther(URI.create("/ui/events/" + run.eventId + "#run-" + id)).build())
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException("No run " + id));
    }

    @POST
    @Path("runs/{id}/replay")
    @RolesAllowed(Roles.OPERATOR)
    public Response replay(@PathParam("id") UUID id) {
        try {
            return backToDead(runs.replay(id) == 1 ? "Run " + id + " replayed." : "Run " + id + " was not DEAD.");
        } catch (ReplayRefusedException refused) {
            // A run whose body still cannot be rendered stays DEAD: say why on the page, not as json.
            return backToDead(refused.getMessage());
        }
    }

    @POST
    @Path("runs/{id}/discard")
    @RolesAllowed(Roles.OPERATOR)
    public Response discard(@PathParam("id") UUID id) {
        return backToDead(runs.discard(id) == 1 ? "Run " + id + " discarded." : "Run " + id + " was not DEAD.");
    }

    @POST
    @Path("dead/replay-all")
    @RolesAllowed(Roles.OPERATOR)
    public Response replayAll() {
        return backToDead(runs.replayAll(Optional.empty(), Optional.empty()) + " dead run(s) replayed.");
    }

    @POST
    @Path("dead/discard-all")
    @RolesAllowed(Roles.OPERATOR)
    public Response discardAll() {
        return backToDead(runs.discardAll(Optional.empty(), Optional.empty(), false) + " dead run(s) discarded.");
    }

    @GET
    @Path("rules")
    public TemplateInstance rules() {
        return Templates.rules(rules.get(), identity.hasRole(Roles.OPERATOR));
    }

    /**
     * The dry-run form: a CloudEvent to paste, or a recorded event's ({@code ?event=<id>}, as the
     * event page links it), judged by the rules in force on submit.
     */
    @GET
    @Path("dry-run")
    public TemplateInstance dryRunForm(@QueryParam("event") String event) throws java.io.IOException {
        String shown = blankToNull(event) == null ? EXAMPLE_EVENT
                : json.writerWithDefaultPrettyPrinter().writeValueAsString(events.get(event).envelope());
        return Templates.dryRun(shown, null, null, identity.hasRole(Roles.OPERATOR));
    }

    private static final String EXAMPLE_EVENT = """
            {
              "source": "shop",
              "type": "shop.order.created",
              "data": {"id": "o-1", "total": 1200}
            }""";

    /** Judges the posted event; the page shows every rule's verdict and the actions that would run. Operators only: models run. */
    @POST
    @Path("dry-run")
    @RolesAllowed(Roles.OPERATOR)
    public TemplateInstance dryRun(@FormParam("event") String event) {
        try {
            return Templates.dryRun(event, dryRuns.of(json.readTree(value(event))), null, true);
        } catch (JsonProcessingException e) {
            return Templates.dryRun(event, null, "Not JSON: " + e.getOriginalMessage(), true);
        } catch (IllegalArgumentException e) {
            return Templates.dryRun(event, null, e.getMessage(), true);
        }
    }

    /** The backtests kept on this replica, one of them in full; a form to start one for operators. */
    @GET
    @Path("backtest")
    public TemplateInstance backtest(@QueryParam("id") String id, @QueryParam("message") String message) {
        List<Backtests.Status> all = backtests.all();
        Backtests.Status shown = blankToNull(id) == null ? (all.isEmpty() ? null : all.get(0))
                : all.stream().filter(status -> status.id().toString().equals(id)).findFirst().orElse(null);
        return Templates.backtest(all, shown, identity.hasRole(Roles.OPERATOR), value(message));
    }

    /** Loads what is on disk now (the rules page's Apply): the rules page says what came of it. */
    @POST
    @Path("rules/apply")
    @RolesAllowed(Roles.OPERATOR)
    public Response applyRules() {
        rules.reload();
        return Response.seeOther(URI.create("/ui/rules")).build();
    }

    /** Starts a backtest of a folder on the hub (the rules folder when blank); times are UTC. */
    @POST
    @Path("backtest")
    @RolesAllowed(Roles.OPERATOR)
    public Response startBacktest(@FormParam("folder") String folder, @FormParam("from") String from,
            @FormParam("to") String to, @FormParam("source") String source, @FormParam("type") String type) {
        try {
            Backtests.Status started = backtests.start(
                    new Backtests.Candidate(Optional.ofNullable(blankToNull(folder)).map(java.nio.file.Path::of), Map.of()),
                    new Backtests.Filter(utc(from), utc(to), Optional.ofNullable(blankToNull(source)),
                            Optional.ofNullable(blankToNull(type))), 5);
            return Response.seeOther(URI.create("/ui/backtest?id=" + started.id())).build();
        } catch (Backtests.CandidateRejected e) {
            return backToBacktest(e.getMessage() + ": " + e.problems().stream().map(Object::toString)
                    .collect(Collectors.joining("; ")));
        } catch (Backtests.Busy | IllegalArgumentException e) {
            return backToBacktest(e.getMessage());
        }
    }

    @POST
    @Path("backtest/{id}/cancel")
    @RolesAllowed(Roles.OPERATOR)
    public Response cancelBacktest(@PathParam("id") UUID id) {
        backtests.cancel(id);
        return Response.seeOther(URI.create("/ui/backtest?id=" + id)).build();
    }

    private static Response backToBacktest(String message) {
        return Response.seeOther(URI.create("/ui/backtest?message="
                + java.net.URLEncoder.encode(message, java.nio.charset.StandardCharsets.UTF_8))).build();
    }

    /** A browser's datetime-local value (no offset), taken as UTC. */
    private static Optional<java.time.OffsetDateTime> utc(String value) {
        if (blankToNull(value) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.LocalDateTime.parse(value).atOffset(java.time.ZoneOffset.UTC));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a date and time such as 2026-12-01T09:00");
        }
    }

    private static Response backToDead(String message) {
        return Response.seeOther(URI.create("/ui/dead?message="
                + java.net.URLEncoder.encode(message, java.nio.charset.StandardCharsets.UTF_8))).build();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String value(String value) {
        return value == null ? "" : value;
    }
}
