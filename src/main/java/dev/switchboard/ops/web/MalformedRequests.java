package dev.switchboard.ops.web;

import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.switchboard.ingest.Problem;

/**
 * Refuses, before any guard or route reads it, a request that the layers under the hub would read
 * differently from its guards (found by a security pass):
 * <ul>
 * <li>a path with parameters ({@code /api;x/runs/discard}): the web router matched it to none of
 * the guards' paths, so the cross-site and JSON-only checks let it pass, while the REST layer
 * dropped {@code ;x} and ran the method; at {@code /ui;x} the login challenge put the path in a
 * cookie, failed with a stack trace in the log, and never answered;</li>
 * <li>a NUL character in the path or query, which PostgreSQL refuses in any text (a filter of the
 * API was a 500);</li>
 * <li>a {@code Content-Type} with an unclosed quote ({@code application/json;charset="}), on which
 * Vert.x's header parser throws (a 500 with a stack trace at {@code /hooks} and the login form);</li>
 * <li>a raw byte outside printable ASCII in the request target ({@code GET /ui/\xff}), which must be
 * percent-encoded: the login challenge put it in a cookie, failed with a 200-line stack trace in
 * the log, and never answered (a second probe wrote 672 MB of log in 20 s);</li>
 * <li>no {@code Host} (HTTP/1.0), or one that is no host name, IP address and port ({@code Host: %41}):
 * the login challenge failed on the first with a 500, Vert.x on the second with a stack trace and
 * no answer.</li>
 * </ul>
 * No route of the hub takes any of them. Each is a {@code 400} problem document.
 */
@ApplicationScoped
public class MalformedRequests {

    /** A host name or IPv4 address, or an IPv6 one in brackets, and perhaps a port (RFC 9110 Host, without escapes). */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9._~-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?");

    void install(@Observes Router router) {
        router.route().order(Refusals.BEFORE_AUTHENTICATION - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        Optional<Problem> problem = problem(context.request());
        if (problem.isPresent()) {
            Refusals.refuse(context, problem.get());
        } else {
            context.next();
        }
    }

    static Optional<Problem> problem(HttpServerRequest request) {
        if (!printableAscii(request.uri())) {
            return Optional.of(new Problem(400, "malformed-path", "Malformed path",
                    "The request target holds a character that must be percent-encoded"));
        }
        // (HTTP/2 names its host in the :authority pseudo-header, checked by its own decoder.)
        String host = request.getHeader(HttpHeaders.HOST);
        if (request.version() != HttpVersion.HTTP_2 && (host == null || !HOST.matcher(host).matches())) {
            return Optional.of(new Problem(400, "malformed-host", "Malformed Host",
                    "The Host header must name a host (a name or IP address, and a port)"));
        }
        String path = request.path();
        if (path != null && (path.indexOf(';') >= 0 || path.contains("%3b") || path.contains("%3B"))) {
            return Optional.of(new Problem(400, "malformed-path", "Malformed path",
                    "A path with parameters (';') names nothing here"));
        }
        if (hasNul(path) || hasNul(request.query())) {
            return Optional.of(new Problem(400, "malformed-path", "Malformed path",
                    "The path or query holds a NUL character (%00)"));
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !quotesClosed(type)) {
            return Optional.of(new Problem(400, "malformed-content-type", "Malformed Content-Type",
                    "The Content-Type header has a quoted value that is never closed"));
        }
        return Optional.empty();
    }

    private static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** Every request passes here: searched as it is, not lower-cased into a copy ("%00" has no letter). */
    private static boolean hasNul(String text) {
        return text != null && (text.indexOf('\0') >= 0 || text.contains("%00"));
    }

    /** Every quoted string closed, a backslash escaping the character after it (RFC 9110 quoted-string). */
    static boolean quotesClosed(String header) {
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            }
        }
        return !quoted;
    }
}
