package dev.switchboard.ops.web;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;

/**
 * Refuses state-changing requests that a page of another site made a browser send to the dashboard,
 * the login form or the API (cross-site request forgery): the forms of {@code /ui} replay and
 * discard, and a browser may hold an operator's session cookie or Basic credentials.
 * <p>
 * The browser says where a request comes from: {@code Sec-Fetch-Site} (every current browser), or
 * else {@code Origin}, which must name this hub. A request with neither is not a browser's form or
 * script and passes. This also covers what the session cookie's {@code SameSite=Strict} does not: a
 * page on another port or subdomain of the same site. (The rule is the one of Go's
 * {@code net/http.CrossOriginProtection}.)
 */
@ApplicationScoped
public class CrossSiteRequests {

    static final List<String> GUARDED = List.of("/ui", "/ui/*", "/api/*", "/j_security_check");

    private final Set<String> trusted;

    @Inject
    public CrossSiteRequests(WebConfig config) {
        this.trusted = config.trustedOrigins().orElse(List.of()).stream().map(CrossSiteRequests::normalized)
                .collect(Collectors.toUnmodifiableSet());
    }

    void install(@Observes Router router) {
        GUARDED.forEach(path -> router.route(path).order(Refusals.BEFORE_AUTHENTICATION).handler(this::check));
    }

    private void check(RoutingContext context) {
        Optional<String> refusal = Refusals.changesState(context.request().method())
                ? refusal(context.request())
                : Optional.empty();
        if (refusal.isPresent()) {
            Refusals.refuse(context, new Problem(403, "cross-site-request", "Cross-site request refused",
                    refusal.get()));
        } else {
            context.next();
        }
    }

    /** Why the request is refused, if it comes from a page of another origin. */
    Optional<String> refusal(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null && trusted.contains(normalized(origin))) {
            return Optional.empty();
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            // "none": typed or bookmarked by the user; "same-origin": a page of this hub.
            return site.equals("same-origin") || site.equals("none") ? Optional.empty()
                    : Optional.of("The browser says this request comes from a page of another site or origin"
                            + " (Sec-Fetch-Site: " + site + ")");
        }
        if (origin == null) {
            return Optional.empty();
        }
        return isThisHub(origin, request.authority()) ? Optional.empty()
                : Optional.of("The request comes from a page of " + origin + ", not of this hub");
    }

    /** Whether {@code origin} is scheme, host and port of the hub as the request addressed it. */
    static boolean isThisHub(String origin, HostAndPort authority) {
        if (authority == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null || uri.getScheme() == null) {
                return false; // "null" (a sandboxed or file page) and anything unreadable
            }
            int defaultPort = uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            int originPort = uri.getPort() >= 0 ? uri.getPort() : defaultPort;
            int hubPort = authority.port() >= 0 ? authority.port() : defaultPort;
            return uri.getHost().equalsIgnoreCase(authority.host()) && originPort == hubPort;
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    private static String normalized(String origin) {
        String trimmed = origin.strip().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
