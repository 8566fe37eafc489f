package dev.switchboard.ops.web;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;

/**
 * State-changing calls of the API must say {@code Content-Type: application/json}, with a body or
 * without. An HTML form can only send a form or {@code text/plain} body, and a script of another
 * site cannot send JSON without the browser asking the hub first (a CORS preflight, which the hub
 * never allows), so no other site can make a browser holding Basic credentials replay, discard or
 * reload: 415 otherwise, before the credentials are checked.
 */
@ApplicationScoped
public class JsonOnlyApi {

    void install(@Observes Router router) {
        router.route("/api/*").order(Refusals.BEFORE_AUTHENTICATION).handler(this::check);
    }

    private void check(RoutingContext context) {
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (Refusals.changesState(context.request().method()) && !isJson(type)) {
            Refusals.refuse(context, new Problem(415, "json-required", "JSON required",
                    "State-changing API calls must be sent with Content-Type: application/json, even without a body"
                            + (type == null ? "; this one has none" : "; this one is " + type)));
        } else {
            context.next();
        }
    }

    /** {@code application/json} or a JSON subtype such as {@code application/cloudevents+json}, any parameters. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json");
    }
}
