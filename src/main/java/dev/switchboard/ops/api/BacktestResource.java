package dev.switchboard.ops.api;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.backtest.Backtests;
import dev.switchboard.ingest.Problem;

/**
 * Backtests: what a changed rule set would have done with the events already recorded, before it
 * goes live. Started here, then polled until its state is no longer RUNNING; nothing is sent and
 * nothing is written. Starting and cancelling is for operators (the candidate's models run SQL);
 * reading results is for anyone who may read events.
 */
@jakarta.ws.rs.Path("/api/backtest")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class BacktestResource {

    static final int DEFAULT_EXAMPLES = 5;
    static final int MAX_EXAMPLES = 50;

    @Inject
    Backtests backtests;

    @Inject
    ObjectMapper json;

    /**
     * {@code folder}: a rules folder on the hub; {@code files}: rule files ({@code NAME.yaml}) and
     * models ({@code models/NAME.sql}) sent with the request; neither: the rules folder on disk as
     * it is now. Events: {@code from}, {@code to} (ISO-8601), {@code source}, {@code type}.
     */
    public record Request(String folder, Map<String, String> files, String from, String to, String source,
            String type, Integer examples) {
    }

    /** The fields of a {@link Request}: a misspelt filter must not widen a backtest to all history. */
    static final Set<String> FIELDS = Set.of("folder", "files", "from", "to", "source", "type", "examples");

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(JsonNode body) {
        Request given = request(body);
        int examples = Optional.ofNullable(given.examples()).orElse(DEFAULT_EXAMPLES);
        if (examples < 0 || examples > MAX_EXAMPLES) {
            throw ProblemMapper.badRequest("examples must be between 0 and " + MAX_EXAMPLES);
        }
        if (given.folder() != null && given.files() != null && !given.files().isEmpty()) {
            throw ProblemMapper.badRequest("give either a folder or files, not both");
        }
        Backtests.Filter filter = new Backtests.Filter(
                Optional.ofNullable(given.from()).map(value -> EventsResource.time("from", value)),
                Optional.ofNullable(given.to()).map(value -> EventsResource.time("to", value)),
                Optional.ofNullable(given.source()).map(value -> EventsResource.filter("source", value)),
                Optional.ofNullable(given.type()).map(value -> EventsResource.filter("type", value)));
        try {
            // Path.of refuses a NUL or an unpaired surrogate: a 400 below, as any malformed field.
            Backtests.Candidate candidate = new Backtests.Candidate(Optional.ofNullable(given.folder()).map(Path::of),
                    given.files() == null ? Map.of() : given.files());
            Backtests.Status started = backtests.start(candidate, filter, examples);
            return Response.accepted(started).location(URI.create("/api/backtest/" + started.id())).build();
        } catch (Backtests.CandidateRejected e) {
            throw new Problem(422, "candidate-rejected", "Candidate rules do not load", e.getMessage() + ": "
                    + e.problems().stream().map(Object::toString).collect(Collectors.joining("; ")));
        } catch (Backtests.Busy e) {
            throw ProblemMapper.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ProblemMapper.badRequest(e.getMessage());
        }
    }

    private Request request(JsonNode body) {
        if (body == null || body.isNull()) {
            return new Request(null, null, null, null, null, null, null);
        }
        if (!body.isObject()) {
            throw ProblemMapper.badRequest("the body must be a JSON object of " + FIELDS);
        }
        ProblemMapper.knownFields(body, FIELDS);
        try {
            return json.treeToValue(body, Request.class);
        } catch (JsonProcessingException e) {
            throw ProblemMapper.badRequest("the body does not fit " + FIELDS + ": " + e.getOriginalMessage());
        }
    }

    /** The backtests this replica keeps, newest first. */
    @GET
    public List<Backtests.Status> list() {
        return backtests.all();
    }

    @GET
    @jakarta.ws.rs.Path("{id}")
    public Backtests.Status get(@PathParam("id") String id) {
        return backtests.find(RunsResource.uuid(id))
                .orElseThrow(() -> ProblemMapper.notFound("No backtest " + id + " on this replica"));
    }

    /** Stops a running backtest after the event it is at; what it found so far stays readable. */
    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @jakarta.ws.rs.Path("{id}")
    public Backtests.Status cancel(@PathParam("id") String id) {
        return backtests.cancel(RunsResource.uuid(id))
                .orElseThrow(() -> ProblemMapper.notFound("No backtest " + id + " on this replica"));
    }
}
