package dev.switchboard.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
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
        long declared = Problem.declaredLength(context.request());
        if (declared > httpLimit.asLongValue()) {
            refuse(context, Problem.tooLarge("The body is declared as " + declared + " bytes; the hub reads at most "
                    + httpLimit.asLongValue() + " bytes of any webhook"));
        } else {
            context.next();
        }
    }

    private void refuseReadOversize(RoutingContext context) {
        if (context.statusCode() == 413 && !context.response().ended()) {
            refuse(context, Problem.tooLarge("The body exceeds " + httpLimit.asLongValue()
                    + " bytes, the most the hub reads of any webhook"));
        } else {
            context.next();
        }
    }

    private void refuseUnknownPath(RoutingContext context) {
        refuse(context, new Problem(404, "unknown-source", "Unknown source", "No webhook source is at "
                + context.normalizedPath() + ": webhooks are posted to /hooks/<source>"));
    }

    /** Answers {@code problem}, and closes the connection if the request's body was not read to its end. */
    void refuse(RoutingContext context, Problem problem) {
        String source = sourceOf(context.normalizedPath());
        metrics.received(source);
        metrics.rejected(source, problem.reason());
        problem.refuseUnread(context);
    }

    /** A configured source named by the path, else the one series for everything else. */
    private String sourceOf(String path) {
        String name = path.startsWith("/hooks/") ? path.substring("/hooks/".length()) : "";
        return sources.find(name).isPresent() ? name : IngestMetrics.UNKNOWN_SOURCE;
    }
}
