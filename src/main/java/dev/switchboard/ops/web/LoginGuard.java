package dev.switchboard.ops.web;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.spi.runtime.AuthenticationFailureEvent;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;

/**
 * Puts {@link LoginThrottle} in front of every password check, the login form's and HTTP Basic's:
 * asked first among the identity providers, it refuses a throttled client or user name before the
 * password is looked at (429 with {@code Retry-After}), and otherwise passes the sign-in on to the
 * configured users; a sign-in they reject is counted.
 */
@ApplicationScoped
public class LoginGuard implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** The sign-in under way, kept on the request so that its failure can be counted. */
    private static final String ATTEMPT = LoginGuard.class.getName() + ".attempt";

    record Attempt(String client, String user) {
    }

    /** Ends a throttled sign-in; not an authentication failure, so that no challenge is sent for it. */
    static final class Throttled extends RuntimeException {

        final Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("too many failed sign-ins", null, false, false);
            this.retryAfter = retryAfter;
        }
    }

    @Inject
    LoginThrottle throttle;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    /** Before every other provider: they are asked highest first, and default to 1001. */
    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (http == null) {
            return Uni.createFrom().nullItem();
        }
        Attempt attempt = new Attempt(LoginThrottle.client(http.request().remoteAddress()), request.getUsername());
        var refused = throttle.refusal(attempt.client(), attempt.user());
        if (refused.isPresent()) {
            return Uni.createFrom().failure(new Throttled(refused.get()));
        }
        http.put(ATTEMPT, attempt);
        return Uni.createFrom().nullItem(); // the next provider checks the password
    }

    /** A password the configured users rejected (a throttled sign-in carries no attempt). */
    void failed(@Observes AuthenticationFailureEvent event) {
        Map<String, Object> properties = event.getEventProperties();
        if (properties != null && properties.get(RoutingContext.class.getName()) instanceof RoutingContext http
                && http.get(ATTEMPT) instanceof Attempt attempt) {
            http.remove(ATTEMPT);
            throttle.failed(attempt.client(), attempt.user());
        }
    }

    void install(@Observes Router router) {
        router.route().order(Refusals.BEFORE_AUTHENTICATION).failureHandler(this::answerThrottled);
    }

    private void answerThrottled(RoutingContext context) {
        Optional<Throttled> throttled = Refusals.causeOf(context.failure(), Throttled.class);
        if (throttled.isPresent() && !context.response().ended()) {
            long seconds = Math.max(1, (throttled.get().retryAfter.toMillis() + 999) / 1000);
            Refusals.refuse(context, new Problem(429, "too-many-sign-ins", "Too many failed sign-ins",
                    "Too many failed sign-ins from this client or for this user; try again in " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds))));
        } else {
            context.next();
        }
    }
}
