package dev.switchboard.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The refusals under {@code /hooks} that the HTTP layer would otherwise answer itself, with an
 * empty body: a body above {@code quarkus.http.limits.max-body-size} (413) and a path that names
 * no source ({@code /hooks/}, {@code /hooks/a/b}: 404). Senders get the same problem documents,
 * and the same counters move, as for the webhook route's own refusals.
 */
@ApplicationScoped
public class WebhookHttpRefusals {

    private static final String HOOKS = "/hooks/*";

    @Inject
    WebhookSources sources;

    @Inject
    IngestMetrics metrics;

    @ConfigProperty(name = WebhookSources.HTTP_LIMIT, defaultValue = WebhookSources.HTTP_LIMIT_DEFAULT)
    MemorySize httpLimit;

    void install(@Observes Router router) {
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

    private void refuse(RoutingContext context, Problem problem) {
        String source = sourceOf(context.normalizedPath());
        metrics.received(source);
        metrics.rejected(source, problem.reason());
        var response = context.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (problem.status() == 413) {
            // The unread body is still on the connection: close it rather than read it.
            response.putHeader(HttpHeaders.CONNECTION, "close")
                    .endHandler(ended -> context.request().connection().close());
        }
        response.end(new JsonObject(problem.document(context.normalizedPath())).encode());
    }

    /** A configured source named by the path, else the one series for everything else. */
    private String sourceOf(String path) {
        String name = path.startsWith("/hooks/") ? path.substring("/hooks/".length()) : "";
        return sources.find(name).isPresent() ? name : IngestMetrics.UNKNOWN_SOURCE;
    }
}
