package dev.switchboard.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The refusals under {@code /hooks} that the HTTP layer would otherwise answer itself, with an
 * empty body: a body above {@code quarkus.http.limits.max-body-size} (413) and a path that names
 * no source ({@code /hooks/}, {@code /hooks/a/b}: 404); and, in front of the webhook route, the
 * reading of its bodies within bounds ({@link WebhookBodies}). Senders get the same problem
 * documents, and the same counters move, as for the webhook route's own refusals.
 */
@ApplicationScoped
public class WebhookHttpRefusals {

    private static final String HOOKS = "/hooks/*";
    /** How long a refused sender's remaining body is dropped before its connection is closed. */
    private static final long LINGER_MILLIS = 1000;
    /** The webhook route's path, in Vert.x's form. */
    private static final String WEBHOOK = "/hooks/:source";

    @Inject
    WebhookSources sources;

    @Inject
    IngestMetrics metrics;

    @Inject
    WebhookBodies bodies;

    @ConfigProperty(name = WebhookSources.HTTP_LIMIT, defaultValue = WebhookSources.HTTP_LIMIT_DEFAULT)
    MemorySize httpLimit;

    void install(@Observes Router router) {
        // Before everything that could read the body: the webhook route's body handler would read
        // any body up to the HTTP limit, whatever its source allows and however many are read at once.
        router.route(WEBHOOK).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2).handler(bodies::handle);
        // Just before Quarkus's own check of the declared length, which would end the response bare.
        router.route(HOOKS).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::refuseDeclaredOversize);
        // A body without a declared length is cut off while it is read, and the request failed with 413.
        router.route(HOOKS).failureHandler(this::refuseReadOversize);
        // Reached only when no route took the request, i.e. the path is not /hooks/<one segment>.
        router.route(HOOKS).order(RouteConstants.ROUTE_ORDER_AFTER_DEFAULT).handler(this::refuseUnknownPath);
    }

    private void refuseDeclaredOversize(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && isAboveTheLimit(declared)) {
            refuse(context, tooLarge("The body is declared as " + declared + " bytes; the hub reads at most "
                    + httpLimit.asLongValue() + " bytes of any webhook"));
        } else {
            context.next();
        }
    }

    /** A length that is not a number is not ours to judge: the HTTP layer deals with it. */
    private boolean isAboveTheLimit(String declared) {
        try {
            return Long.parseLong(declared.trim()) > httpLimit.asLongValue();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void refuseReadOversize(RoutingContext context) {
        if (context.statusCode() == 413 && !context.response().ended()) {
            refuse(context, tooLarge("The body exceeds " + httpLimit.asLongValue()
                    + " bytes, the most the hub reads of any webhook"));
        } else {
            context.next();
        }
    }

    private void refuseUnknownPath(RoutingContext context) {
        refuse(context, new Problem(404, "unknown-source", "Unknown source", "No webhook source is at "
                + context.normalizedPath() + ": webhooks are posted to /hooks/<source>"));
    }

    private static Problem tooLarge(String detail) {
        return new Problem(413, "body-too-large", "Body too large", detail);
    }

    /** Answers {@code problem}, and closes the connection if the request's body was not read to its end. */
    void refuse(RoutingContext context, Problem problem) {
        String source = sourceOf(context.normalizedPath());
        metrics.received(source);
        metrics.rejected(source, problem.reason());
        var response = problem.answer(context.response());
        HttpServerRequest request = context.request();
        if (!request.isEnded() && hasBody(request)) {
            // The rest of the body may be on its way: close the connection rather than read it. Not at
            // once: a connection closed with the sender's bytes unread is reset, and a sender still
            // sending would lose the answer. Its bytes are dropped for a moment, then it is closed.
            response.putHeader(HttpHeaders.CONNECTION, "close");
            request.handler(dropped -> { }).resume();
            context.addEndHandler(ended -> context.vertx().setTimer(LINGER_MILLIS,
                    timer -> request.connection().close()));
        }
        response.end(problem.json(context.normalizedPath()));
    }

    /** Whether a body follows the request's headers (HTTP/1.1: a length above 0 or a transfer encoding). */
    static boolean hasBody(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_2
                || request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || WebhookBodies.declaredLength(request) > 0;
    }

    /** A configured source named by the path, else the one series for everything else. */
    private String sourceOf(String path) {
        String name = path.startsWith("/hooks/") ? path.substring("/hooks/".length()) : "";
        return sources.find(name).isPresent() ? name : IngestMetrics.UNKNOWN_SOURCE;
    }
}
