package dev.switchboard.ops.web;

import java.util.Optional;

import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;

/** Answers a request refused at the HTTP layer, before authentication, with a problem document. */
final class Refusals {

    /**
     * Between CORS (-300) and authentication (-200): a refused request is answered before a password
     * is checked or a form's body read.
     */
    static final int BEFORE_AUTHENTICATION = -SecurityHandlerPriorities.AUTHENTICATION - 50;

    private Refusals() {
    }

    /** GET, HEAD and OPTIONS change nothing, here as everywhere in the hub. */
    static boolean changesState(HttpMethod method) {
        return !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS));
    }

    /** {@code failure} itself or the first of its causes that is a {@code type}. */
    static <T extends Throwable> Optional<T> causeOf(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    static void refuse(RoutingContext context, Problem problem) {
        problem.answer(context.response()).end(problem.json(context.normalizedPath()));
    }
}
