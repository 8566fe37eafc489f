package dev.switchboard.ops.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


import dev.switchboard.core.Durations;
import dev.switchboard.core.Tracing;
import dev.switchboard.ops.web.WebConfig;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.EventRecord;
import dev.switchboard.runs.EventState;
import dev.switchboard.runs.Reprocessing;
import dev.switchboard.runs.RunOperations;
import dev.switchboard.runs.RunState;

/**
 * Events: filter and page through them, one with its payload and runs, a dry run of the rules,
 * and judging IGNORED and FAILED events again by the rules loaded now.
 */
@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class EventsResource {

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    WebConfig web;

    @Inject
    RunOperations runs;

    @Inject
    DryRuns dryRuns;

    @Inject
    Reprocessing reprocessing;

    @Inject
    EventLog eventLog;

    /** Events one bulk reprocess judges at most, unless it says fewer. */
    static final int REPROCESS_LIMIT = 1_000;
    static final int MAX_REPROCESS_LIMIT = 10_000;
    private static final Set<String> REPROCESS_FIELDS = Set.of("source", "type", "state", "from", "to", "after",
            "limit");

    /**
     * An event as listed. {@code state} is what the rules made of it; {@code runs} counts its action
     * runs by state, so that an event PROCESSED with a DEAD run shows it ({@code dead}).
     */
    public record EventView(UUID id, String source, String type, String subject, String deliveryId, String state,
            OffsetDateTime receivedAt, OffsetDateTime processedAt, Map<String, Long> runs, boolean dead) {

        static EventView of(EventRecord event, Map<RunState, Long> runStates) {
            Map<String, Long> runs = new java.util.TreeMap<>();
            runStates.forEach((runState, count) -> runs.put(runState.name(), count));
            return new EventView(event.id, event.source, event.type, event.subject, event.deliveryId,
                    event.state.name(), event.receivedAt, event.processedAt, runs,
                    runStates.getOrDefault(RunState.DEAD, 0L) > 0);
        }
    }

    /** A page of events; {@code total} counts them all when {@code totalExact}, else it is a lower bound. */
    public record EventList(List<EventView> items, int page, int size, long total, boolean totalExact) {
    }

    /** {@code traceId}: the event's trace (docs/operations.md, "Tracing"), null for an event made before the hub traced. */
    public record EventDetail(EventView event, JsonNode envelope, List<String> matchedRules, String error,
            List<RunsResource.RunView> runs, String traceId) {
    }

    /** Events matching every filter given, newest first; {@code q} searches the payload text. */
    @GET
    @Transactional
    public EventList list(@QueryParam("source") String source, @QueryParam("type") String type,
            @QueryParam("state") String state, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("q") String text, @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        Pages.check(page, size);
        EventLog.Found search;
        try {
            search = eventLog.search(new EventLog.Search(Optional.ofNullable(source), Optional.ofNullable(type),
                    Optional.ofNullable(state).map(value -> RunsResource.state(EventState.class, value)),
                    Optional.ofNullable(from).map(value -> time("from", value)),
                    Optional.ofNullable(to).map(value -> time("to", value)), Optional.ofNullable(text)), page, size,
                    web.searchTimeout());
        } catch (EventLog.SearchTimedOut e) {
            throw ProblemMapper.searchTooBroad(e, "from and to, source, type or state");
        }
        List<EventRecord> found = search.events();
        Map<UUID, Map<RunState, Long>> runStates = runs.statesByEvent(found.stream().map(event -> event.id).toList());
        return new EventList(found.stream().map(event -> EventView.of(event, runStates.getOrDefault(event.id, Map.of())))
                .toList(), page, size, search.total(), search.exact());
    }

    @GET
    @Path("{id}")
    @Transactional
    public EventDetail get(@PathParam("id") String id) throws java.io.IOException {
        UUID event = RunsResource.uuid(id);
        EventRecord found = eventLog.record(event).orElseThrow(() -> ProblemMapper.notFound("No event " + id));
        EventLog.Outcome outcome = eventLog.outcome(event).orElseThrow(() -> ProblemMapper.notFound("No event " + id));
        JsonNode envelope = json.readTree(found.envelope);
        return new EventDetail(EventView.of(found, runs.statesByEvent(List.of(event)).getOrDefault(event, Map.of())),
                envelope, outcome.matchedRules(), outcome.error(),
                runs.find(new RunOperations.Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(event)), 0, Pages.MAX_SIZE).runs().stream()
                        .map(RunsResource.RunView::of).toList(),
                Tracing.traceId(envelope.path(Tracing.TRACEPARENT).asText(null)).orElse(null));
    }

    /** Events one page of an export reads; the export holds no more than one page in memory. */
    private static final int EXPORT_PAGE = 1_000;

    /**
     * The recorded envelopes of the filter as JSON lines (one CloudEvent per line, oldest first),
     * written page by page as they are read: what a backtest from the command line reads. For
     * operators: it is every payload at once.
     */
    @RolesAllowed(Roles.OPERATOR)
    @GET
    @Path("export")
    @Produces("application/x-ndjson")
    public StreamingOutput export(@QueryParam("source") String source, @QueryParam("type") String type,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        EventLog.Selection selection = new EventLog.Selection(Arrays.asList(EventState.values()),
                Optional.ofNullable(source), Optional.ofNullable(type),
                Optional.ofNullable(from).map(value -> time("from", value)),
                Optional.ofNullable(to).map(value -> time("to", value)), Optional.empty());
        return output -> {
            List<EventLog.Stored> page = eventLog.select(selection, EXPORT_PAGE);
            while (!page.isEmpty()) {
                for (EventLog.Stored event : page) {
                    // jsonb's text is one line: its strings escape their newlines.
                    output.write(event.envelope().getBytes(StandardCharsets.UTF_8));
                    output.write('\n');
                }
                output.flush();
                page = eventLog.select(selection.startingAfter(Optional.of(page.get(page.size() - 1).position())), EXPORT_PAGE);
            }
        };
    }

    /**
     * Which rules would fire for this event and why each other rule would not, with the models'
     * results, the rendered bodies, URLs and headers; no event is stored and no action taken (see
     * {@link DryRuns}). For operators only: it runs the SQL models, on business databases too, with
     * parameters the caller chooses.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("dry-run")
    @Consumes({MediaType.APPLICATION_JSON, "application/cloudevents+json"})
    public DryRuns.DryRun dryRun(JsonNode body) {
        try {
            return dryRuns.of(body);
        } catch (IllegalArgumentException e) {
            throw ProblemMapper.badRequest(e.getMessage());
        }
    }

    public record Reprocessed(UUID event, EventState previousState, EventState state, List<String> matchedRules,
            String error, int runsCreated, List<RunsResource.RunView> runs) {
    }

    /**
     * Judges an IGNORED or FAILED event (or a RECEIVED one whose stream message was lost) again by
     * the rules loaded now, and creates the runs it
     * asks for that do not exist yet (none twice: a run's id is its event, rule and action).
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{id}/reprocess")
    public Reprocessed reprocess(@PathParam("id") String id) {
        UUID event = RunsResource.uuid(id);
        Reprocessing.Outcome outcome = reprocessing.reprocess(event);
        return new Reprocessed(event, outcome.was(), outcome.state(), outcome.matchedRules(), outcome.error(),
                outcome.runsCreated(), runs.find(new RunOperations.Filter(Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of(event)), 0, Pages.MAX_SIZE).runs().stream()
                        .map(RunsResource.RunView::of).toList());
    }

    /**
     * Judges again, oldest first, the IGNORED and FAILED events a filter selects. The body is a JSON
     * object of {@code source}, {@code type}, {@code state} (IGNORED or FAILED, both when absent; or
     * RECEIVED, those older than {@link Reprocessing#RECEIVED_GRACE}),
     * {@code from} (inclusive) and {@code to} (exclusive) times, {@code after} (an event id: go on
     * after it, as a previous answer's {@code next} says) and {@code limit} (1000, at most 10000);
     * {@code {}} selects every IGNORED and FAILED event.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("reprocess")
    @Consumes(MediaType.APPLICATION_JSON)
    public Reprocessing.Summary reprocessAll(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemMapper.badRequest("the body must be a JSON object of filters: source, type, state, from, to,"
                    + " after, limit ({} for every IGNORED and FAILED event)");
        }
        // A misspelt filter must not widen a bulk operation to every event.
        ProblemMapper.knownFields(body, REPROCESS_FIELDS);
        List<EventState> states = text(body, "state").map(state -> {
            EventState chosen = RunsResource.state(EventState.class, state);
            if (!Reprocessing.STATES.contains(chosen)) {
                throw ProblemMapper.badRequest("state must be IGNORED, FAILED or RECEIVED: only those are judged again"
                        + " (RECEIVED ones once they have waited " + Durations.format(Reprocessing.RECEIVED_GRACE) + ")");
            }
            return List.of(chosen);
        }).orElse(List.of(EventState.IGNORED, EventState.FAILED));
        JsonNode given = body.get("limit");
        int limit = given == null ? REPROCESS_LIMIT : given.canConvertToInt() ? given.asInt() : -1;
        if (limit < 1 || limit > MAX_REPROCESS_LIMIT || given != null && !given.isIntegralNumber()) {
            throw ProblemMapper.badRequest("limit must be a whole number between 1 and " + MAX_REPROCESS_LIMIT);
        }
        Optional<UUID> after = text(body, "after").map(RunsResource::uuid);
        return reprocessing.reprocess(new EventLog.Selection(states, text(body, "source"), text(body, "type"),
                text(body, "from").map(value -> time("from", value)), text(body, "to").map(value -> time("to", value)),
                Optional.empty()), after, limit);
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ProblemMapper.badRequest(field + " must be a string");
        }
        return Optional.of(filter(field, value.asText()));
    }

    /** A filter's text as given, but never a NUL, which PostgreSQL's text cannot hold (a query's is refused before). */
    static String filter(String name, String value) {
        if (value.indexOf('\0') >= 0) {
            throw ProblemMapper.badRequest(name + " must not contain a NUL character");
        }
        return value;
    }

    /** A time between the years 1 and 9999: PostgreSQL's range is wider, but no event is received outside it. */
    static OffsetDateTime time(String name, String value) {
        try {
            OffsetDateTime time = OffsetDateTime.parse(value);
            if (time.getYear() < 1 || time.getYear() > 9999) {
                throw ProblemMapper.badRequest(name + " must be a time between the years 1 and 9999");
            }
            return time;
        } catch (DateTimeParseException e) {
            throw ProblemMapper.badRequest(name + " must be an ISO-8601 time with offset, e.g. 2026-11-29T10:00:00Z");
        }
    }
}
