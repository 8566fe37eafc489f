package dev.switchboard.ops.web;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;
import dev.switchboard.ingest.WebhookSources;

/**
 * A body declared above {@code quarkus.http.limits.max-body-size} sent to the API or the dashboard
 * is a 413 problem document, as every other refusal there is, where Quarkus would answer with an
 * empty body. (A chunked body that runs over while the API reads it is still refused by Quarkus
 * REST itself, with an empty 413: only a signed-in operator can send one.) Webhooks have their own
 * refusals, counted per source ({@code WebhookHttpRefusals}).
 * <p>
 * The sign-in form is the one body a stranger can make the hub read: it is read before anyone is
 * known, so it must declare its length, and at most {@link #SIGN_IN_LIMIT} bytes (a user name and a
 * password). Otherwise senders in parallel could each have up to the HTTP limit buffered. And it
 * must be a form ({@value #FORM}): the form login failed on any other body with a 500 and a stack
 * trace (found by an attacker's probe), so anything else is a 415.
 */
@ApplicationScoped
public class OversizeBodies {

    private static final String HOOKS = "/hooks";

    /** The most a sign-in form may declare: its two fields, with room to spare. */
    static final int SIGN_IN_LIMIT = 4096;

    private static final String FORM = "application/x-www-form-urlencoded";

    @ConfigProperty(name = "quarkus.http.auth.form.post-location", defaultValue = "/j_security_check")
    String signIn;

    @ConfigProperty(name = WebhookSources.HTTP_LIMIT, defaultValue = WebhookSources.HTTP_LIMIT_DEFAULT)
    MemorySize limit;

    void install(@Observes Router router) {
        // Before authentication, which reads the login form's body, and so before Quarkus's own check
        // of the declared length, which would end the response bare.
        router.route().order(Refusals.BEFORE_AUTHENTICATION).handler(this::refuseDeclared);
    }

    private void refuseDeclared(RoutingContext context) {
        long declared = Problem.declaredLength(context.request());
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (context.normalizedPath().equals(signIn)
                && (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM))) {
            new Problem(415, "unsupported-media-type", "Unsupported media type", "The sign-in is a form: send it as "
                    + FORM).refuseUnread(context);
            return;
        }
        if (context.normalizedPath().equals(signIn) && Problem.hasBody(context.request())) {
            if (declared < 0) {
                new Problem(411, "length-required", "Length required", "A sign-in form must declare its length"
                        + " (Content-Length)").refuseUnread(context);
                return;
            }
            if (declared > SIGN_IN_LIMIT) {
                Problem.tooLarge("The sign-in form is declared as " + declared + " bytes; the hub reads at most "
                        + SIGN_IN_LIMIT + " bytes of one").refuseUnread(context);
                return;
            }
        }
        if (declared > limit.asLongValue() && !isWebhook(context.normalizedPath())) {
            Problem.tooLarge("The body is declared as " + declared + " bytes; the hub reads at most "
                    + limit.asLongValue()).refuseUnread(context);
        } else {
            context.next();
        }
    }

    private static boolean isWebhook(String path) {
        return path.equals(HOOKS) || path.startsWith(HOOKS + "/");
    }
}
