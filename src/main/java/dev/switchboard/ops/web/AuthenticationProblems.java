package dev.switchboard.ops.web;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;

/**
 * The API's 401 and 403 are problem documents like its other errors, and a 401 says how to
 * authenticate ({@code WWW-Authenticate: Basic realm="switchboard"}), which Quarkus leaves out when
 * a request brings no credentials because the dashboard's form login is enabled too.
 * <p>
 * Quarkus ends a request without credentials itself, with an empty body and no failure handler
 * called, so that one is answered here before authentication: the API takes HTTP Basic only
 * ({@code quarkus.http.auth.permission.api}), and a request without it cannot pass. Wrong credentials
 * and a role refused at the HTTP layer reach the failure handler; a role refused by a resource's
 * {@code @RolesAllowed} is mapped by {@code ProblemMapper} with {@link #forbidden()}.
 */
@ApplicationScoped
public class AuthenticationProblems {

    private final String challenge;

    public AuthenticationProblems(
            @ConfigProperty(name = "quarkus.http.auth.realm", defaultValue = "switchboard") String realm) {
        this.challenge = "Basic realm=\"" + realm + "\"";
    }

    void install(@Observes Router router) {
        // After the cross-site and JSON refusals (same order, installed earlier), which come first.
        router.route("/api/*").order(Refusals.BEFORE_AUTHENTICATION + 1).handler(this::requireCredentials);
        router.route("/api/*").order(Refusals.BEFORE_AUTHENTICATION + 1).failureHandler(this::answerRefused);
    }

    private void requireCredentials(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            Refusals.refuse(context, unauthorized("This API needs HTTP Basic credentials of a configured user"));
        } else {
            context.next();
        }
    }

    private void answerRefused(RoutingContext context) {
        if (context.response().ended()) {
            context.next();
        } else if (Refusals.causeOf(context.failure(), AuthenticationFailedException.class).isPresent()
                || Refusals.causeOf(context.failure(), UnauthorizedException.class).isPresent()) {
            Refusals.refuse(context, unauthorized("The user name or password is wrong"));
        } else if (Refusals.causeOf(context.failure(), ForbiddenException.class).isPresent()) {
            Refusals.refuse(context, forbidden());
        } else {
            context.next();
        }
    }

    private Problem unauthorized(String detail) {
        return new Problem(401, "unauthorized", "Unauthorized", detail, Map.of("WWW-Authenticate", challenge));
    }

    /** A signed-in user whose role may not do what was asked (a viewer replaying, say). */
    public static Problem forbidden() {
        return new Problem(403, "forbidden", "Forbidden",
                "Your role may not do this: reading needs the viewer or operator role, anything that changes"
                        + " something (replay, discard, reprocess, reload, a dry run) the operator role");
    }
}
