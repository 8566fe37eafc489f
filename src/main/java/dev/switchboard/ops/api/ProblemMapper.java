package dev.switchboard.ops.api;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.ForbiddenException;

import dev.switchboard.core.Suggestions;
import dev.switchboard.ingest.Problem;
import dev.switchboard.ops.web.AuthenticationProblems;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.ReprocessRefused;

/** Every error of the API is {@code application/problem+json}, never a stack trace. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response problem(Problem problem, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                .entity(problem.document(uri.getPath()));
        problem.headers().forEach(response::header);
        return response.build();
    }

    /** An event that could not be judged again, as the API says each reason. */
    @ServerExceptionMapper
    public Response reprocessRefused(ReprocessRefused refused, UriInfo uri) {
        Map<String, String> retryLater = Map.of("Retry-After", "5");
        return problem(switch (refused.reason()) {
            case NO_SUCH_EVENT -> new Problem(404, "not-found", "Not found", refused.getMessage());
            case NOT_REPROCESSABLE -> new Problem(409, "not-reprocessable", "Not reprocessable", refused.getMessage());
            case CHANGED -> new Problem(409, "conflict", "Conflict", refused.getMessage());
            case NO_SUCH_AFTER -> Problem.badRequest("invalid-parameter", "Invalid parameter", refused.getMessage());
            case RULES_NOT_LOADED -> new Problem(503, "rules-not-loaded", "Rules not loaded", refused.getMessage(),
                    retryLater);
            case MODEL_UNAVAILABLE -> new Problem(503, "unavailable", "Service unavailable", refused.getMessage(),
                    retryLater);
        }, uri);
    }

    /** Errors JAX-RS raises itself (unknown path, wrong method, unreadable parameter). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException error, UriInfo uri) {
        if (error.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableJson(unreadable, uri); // Quarkus's 400 for a body it could not parse
        }
        int status = error.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return problem(new Problem(status, title.toLowerCase().replace(' ', '-'), title,
                status == 404 ? "No such resource" : error.getMessage()), uri);
    }

    /**
     * A role refused by {@code @RolesAllowed}, in the API and in the dashboard's forms (Quarkus would
     * answer an empty 403).
     */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException refused, UriInfo uri) {
        return problem(AuthenticationProblems.forbidden(), uri);
    }

    /**
     * A body that is not the JSON the call takes: unreadable, nested deeper than the parser allows,
     * or of the wrong shape: Quarkus answers the last with an empty 400 and the others with a 500
     * whose error id leads to no log line. The detail names the field when there is one. An answer
     * that cannot be written as JSON stays a 500: the hub's fault, not the request's.
     */
    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, MismatchedInputException.class,
            StreamConstraintsException.class})
    public Response unreadableJson(JsonProcessingException error, UriInfo uri) {
        if (error.getProcessor() instanceof JsonGenerator
                || String.valueOf(error.getMessage()).contains(StreamWriteConstraints.class.getSimpleName())) {
            // Writing the answer failed: the hub's fault, not the request's.
            LOG.errorf(error, "The answer to %s could not be written as JSON", uri.getPath());
            return problem(new Problem(500, "internal-error", "Internal error",
                    "The answer could not be written; the hub logged the cause."), uri);
        }
        String detail = String.valueOf(error.getOriginalMessage()).lines().findFirst().orElse("");
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "…";
        }
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            detail = "at " + mapping.getPath().stream()
                    .map(step -> step.getFieldName() != null ? "." + step.getFieldName() : "[" + step.getIndex() + "]")
                    .collect(Collectors.joining("", "$", "")) + ": " + detail;
        }
        return problem(Problem.badRequest("malformed-json", "Malformed JSON",
                "The body is not the JSON this call takes: " + detail), uri);
    }

    /** Refuses a JSON object with a field the call does not take, naming the closest one it does. */
    static void knownFields(JsonNode body, Set<String> fields) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw badRequest("unknown field '" + name + "'" + Suggestions.hint(name, fields)
                        + "; the fields are " + new TreeSet<>(fields));
            }
        }
    }

    static Problem badRequest(String detail) {
        return Problem.badRequest("invalid-parameter", "Invalid parameter", detail);
    }

    static Problem notFound(String detail) {
        return new Problem(404, "not-found", "Not found", detail);
    }

    static Problem conflict(String detail) {
        return new Problem(409, "conflict", "Conflict", detail);
    }

    /** A list or search cut off at switchboard.web.search-timeout; {@code narrowing} says how to narrow it. */
    static Problem searchTooBroad(EventLog.SearchTimedOut e, String narrowing) {
        return new Problem(422, "search-too-broad", "Search too broad", e.getMessage()
                + " (switchboard.web.search-timeout): narrow it with " + narrowing);
    }
}
