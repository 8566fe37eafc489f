package dev.switchboard.ops.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.ForbiddenException;

import dev.switchboard.ingest.Problem;
import dev.switchboard.ops.web.AuthenticationProblems;

/** Every error of the API is {@code application/problem+json}, never a stack trace. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response problem(Problem problem, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                .entity(problem.document(uri.getPath()));
        problem.headers().forEach(response::header);
        return response.build();
    }

    /** Errors JAX-RS raises itself (unknown path, wrong method, unreadable parameter). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException error, UriInfo uri) {
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

    static Problem badRequest(String detail) {
        return Problem.badRequest("invalid-parameter", "Invalid parameter", detail);
    }

    static Problem notFound(String detail) {
        return new Problem(404, "not-found", "Not found", detail);
    }

    static Problem conflict(String detail) {
        return new Problem(409, "conflict", "Conflict", detail);
    }
}
