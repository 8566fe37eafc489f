package dev.switchboard.ops.api;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.core.ReplayRefusedException;
import dev.switchboard.ingest.Problem;
import dev.switchboard.ops.web.WebConfig;
import dev.switchboard.runs.ActionAttempt;
import dev.switchboard.runs.ActionRun;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.RunOperations;
import dev.switchboard.runs.RunState;

/** Action runs: list and filter, one with its attempts, replay and discard of dead ones. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class RunsResource {


    @Inject
    RunOperations operations;

    @Inject
    WebConfig web;

    /**
     * A run. {@code attempts} are those of its current retry budget, counted against
     * {@code maxAttempts}: a replay starts a fresh one, so they start again from 0; {@code replays}
     * says how often that happened and {@code totalAttempts} counts every attempt ever made.
     */
    public record RunView(UUID id, UUID event, String rule, String action, String port, String operation,
            RunState state, int attempts, int maxAttempts, int replays, int totalAttempts,
            OffsetDateTime nextAttemptAt, String lastError, OffsetDateTime unboundSince, OffsetDateTime createdAt,
            OffsetDateTime updatedAt, String body) {

        public static RunView of(ActionRun run) {
            return new RunView(run.id, run.eventId, run.ruleId, run.actionId, run.port, run.operation, run.state,
                    run.attemptsOfBudget(), run.maxAttempts, run.replays(), run.attempts, run.nextAttemptAt,
                    run.lastError, run.state == RunState.PENDING ? run.unboundSince : null, run.createdAt,
                    run.updatedAt, run.body);
        }
    }

    /**
     * One attempt: {@code attempt} numbers every attempt of the run, {@code replay} is the budget it
     * counted against (0 the first, n the n-th replay's) and {@code attemptOfReplay} its number there.
     */
    public record AttemptView(int attempt, int replay, int attemptOfReplay, OffsetDateTime startedAt,
            long durationMs, String outcome, String errorClass, String errorMessage, Integer downstreamStatus,
            String responseExcerpt) {

        static AttemptView of(ActionRun run, ActionAttempt attempt) {
            return new AttemptView(attempt.attempt, run.replayOf(attempt.attempt), run.attemptOfBudget(attempt.attempt),
                    attempt.startedAt, attempt.durationMs, attempt.outcome, attempt.errorClass, attempt.errorMessage,
                    attempt.downstreamStatus, attempt.responseExcerpt);
        }
    }

    public record RunDetail(RunView run, List<AttemptView> attempts) {
    }

    public record RunList(List<RunView> items, int page, int size, long total) {
    }

    @GET
    public RunList list(@QueryParam("state") String state, @QueryParam("port") String port,
            @QueryParam("rule") String rule, @QueryParam("event") String event,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Pages.check(page, size);
        RunOperations.RunPage found;
        try {
            found = operations.search(new RunOperations.Filter(
                    Optional.ofNullable(state).map(text -> state(RunState.class, text)), Optional.ofNullable(port),
                    Optional.ofNullable(rule), Optional.ofNullable(event).map(RunsResource::uuid)), page, size,
                    web.searchTimeout());
        } catch (EventLog.SearchTimedOut e) {
            throw ProblemMapper.searchTooBroad(e, "state, port, rule or event");
        }
        return new RunList(found.runs().stream().map(RunView::of).toList(), page, size, found.total());
    }

    @GET
    @Path("{id}")
    public RunDetail get(@PathParam("id") String id) {
        UUID run = uuid(id);
        ActionRun found = operations.get(run).orElseThrow(() -> ProblemMapper.notFound("No run " + id));
        return new RunDetail(RunView.of(found), attempts(found));
    }

    /** The run's attempts, oldest first, each with the budget it counted against. */
    public List<AttemptView> attempts(ActionRun run) {
        return operations.attempts(run.id).stream().map(attempt -> AttemptView.of(run, attempt)).toList();
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{id}/replay")
    public RunView replay(@PathParam("id") String id) {
        UUID run = uuid(id);
        int replayed;
        try {
            replayed = operations.replay(run);
        } catch (ReplayRefusedException refused) {
            throw new Problem(409, "replay-refused", "Replay refused", refused.getMessage());
        }
        if (replayed == 0) {
            throw notDead(run, "replayed");
        }
        return RunView.of(operations.get(run).orElseThrow());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("replay")
    public Map<String, Integer> replayAll(@QueryParam("port") String port, @QueryParam("rule") String rule) {
        return Map.of("replayed", operations.replayAll(Optional.ofNullable(port), Optional.ofNullable(rule)));
    }

    /** Discards the DEAD runs matching the filter or, with {@code unbound=true}, those waiting for their port's binding. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("discard")
    public Map<String, Integer> discardAll(@QueryParam("port") String port, @QueryParam("rule") String rule,
            @QueryParam("unbound") @DefaultValue("false") boolean unbound) {
        return Map.of("discarded", operations.discardAll(Optional.ofNullable(port), Optional.ofNullable(rule),
                unbound));
    }

    /** Discards a DEAD run, or one waiting for its port's binding. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{id}/discard")
    public RunView discard(@PathParam("id") String id) {
        UUID run = uuid(id);
        if (operations.discard(run) == 0) {
            throw notDead(run, "discarded", "DEAD runs and runs waiting for their port's binding");
        }
        return RunView.of(operations.get(run).orElseThrow());
    }

    private RuntimeException notDead(UUID run, String verb) {
        return notDead(run, verb, "DEAD runs");
    }

    private RuntimeException notDead(UUID run, String verb, String which) {
        return operations.get(run)
                .<RuntimeException>map(found -> ProblemMapper.conflict("Run " + run + " is " + found.state
                        + "; only " + which + " can be " + verb))
                .orElseGet(() -> ProblemMapper.notFound("No run " + run));
    }

    static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ProblemMapper.badRequest("'" + text + "' is not a UUID");
        }
    }

    /** A state filter of runs or events, case-insensitive; 400 naming the allowed values otherwise. */
    static <S extends Enum<S>> S state(Class<S> states, String text) {
        try {
            return Enum.valueOf(states, text.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw ProblemMapper.badRequest("state must be one of " + List.of(states.getEnumConstants()));
        }
    }
}
