package dev.switchboard.connect.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import dev.switchboard.connect.Excerpts;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.Durations;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.Tracing;

/**
 * Calls an HTTP endpoint with the action's body and the run's {@code Idempotency-Key}.
 * Settings: {@code url} (a template over the event whose values go percent-encoded into the path,
 * query or fragment, never the host: see {@link UrlTemplate}), {@code method} (POST), {@code headers.<Name>},
 * {@code auth} ({@code basic} with {@code username}/{@code password}, or {@code bearer} with
 * {@code token}), {@code timeout} (10s), {@code content-type} (application/json), {@code http-version}
 * ({@code 1.1}, or {@code 2}: see {@link #version}).
 * A 2xx succeeds; 408, 429, 5xx and I/O errors are retried; any other status is permanent. Of the
 * response, {@link Excerpts#READ_LIMIT} bytes at most are read.
 * <p>
 * On the JDK's client rather than Camel's http component: measured, the two cost the same CPU per
 * call (bench/steps.md, step 31), and the JDK client lets the connector read a bounded part of the
 * answer by a deadline for the whole of it ({@link BoundedBody}), where Camel's producer reads the
 * answer whole into the message and Apache HttpClient's response timeout is per read.
 */
@ApplicationScoped
@Named("http")
public class HttpConnector implements Connector {

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of("url", "method", "headers.*", "auth", "username", "password", "token", "content-type", "http-version", "timeout");

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    private static final List<String> METHODS = List.of("POST", "PUT", "PATCH", "DELETE", "GET");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public void validate(PortSettings settings) {
        String url = settings.require("url");
        try {
            UrlTemplate.parse(url);
        } catch (IllegalArgumentException e) {
            throw new PortBindings.BadSetting(settings.fullName("url"), e.getMessage());
        }
        String method = settings.get("method", "POST").toUpperCase();
        if (!METHODS.contains(method)) {
            throw new PortBindings.BadSetting(settings.fullName("method"), "method must be one of "
                    + String.join(", ", METHODS) + ", not " + method);
        }
        String auth = settings.get("auth", "none");
        switch (auth) {
            case "none" -> {
            }
            case "basic" -> {
                settings.require("username");
                settings.require("password");
            }
            case "bearer" -> settings.require("token");
            default -> throw new PortBindings.BadSetting(settings.fullName("auth"), "auth must be none, basic or bearer,"
                    + " not " + auth);
        }
        version(settings);
    }

    /**
     * HTTP/1.1 unless the port asks for {@code http-version=2}. The JDK client's own default, HTTP/2,
     * asks a plain-HTTP server to upgrade ({@code Upgrade: h2c}) on every new connection, which some
     * servers and proxies refuse outright; over TLS, 2 is agreed on in the handshake and falls back.
     */
    static HttpClient.Version version(PortSettings settings) {
        String version = settings.get("http-version", "1.1");
        return switch (version) {
            case "1.1" -> HttpClient.Version.HTTP_1_1;
            case "2" -> HttpClient.Version.HTTP_2;
            default -> throw new PortBindings.BadSetting(settings.fullName("http-version"), "http-version must be 1.1"
                    + " or 2, not " + version);
        };
    }

    /** The method and the URL rendered for the event, or why the URL cannot be rendered. */
    @Override
    public Optional<String> target(PortSettings settings, EventDocument event) {
        String method = settings.get("method", "POST").toUpperCase();
        try {
            return Optional.of(method + " " + UrlTemplate.parse(settings.require("url")).render(event));
        } catch (RuntimeException e) {
            return Optional.of(method + " (url cannot be rendered: " + e.getMessage() + ")");
        }
    }

    /** The headers of a call but Idempotency-Key (the run's): one list for a delivery and a dry run. */
    @Override
    public Map<String, String> headers(PortSettings settings, Optional<String> operation) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", settings.get("content-type", "application/json"));
        operation.ifPresent(name -> headers.put("X-Switchboard-Operation", name));
        headers.putAll(settings.under("headers"));
        switch (settings.get("auth", "none")) {
            case "basic" -> headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (settings.require("username") + ":" + settings.require("password")).getBytes(StandardCharsets.UTF_8)));
            case "bearer" -> headers.put("Authorization", "Bearer " + settings.require("token"));
            default -> {
            }
        }
        return headers;
    }

    @Override
    public Delivery deliver(ActionRequest request) throws ConnectorException, InterruptedException {
        PortSettings settings = request.settings();
        URI url = UrlTemplate.parse(settings.require("url")).render(request.event());
        Duration timeout = settings.duration("timeout", Duration.ofSeconds(10));
        HttpRequest.Builder http = HttpRequest.newBuilder(url)
                .version(version(settings))
                .timeout(timeout)
                .header("Idempotency-Key", request.idempotencyKey())
                .method(settings.get("method", "POST").toUpperCase(),
                        HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        headers(settings, request.operation()).forEach(http::header);
        // The attempt's span: the downstream service's trace continues the event's.
        Tracing.current().ifPresent(traceparent -> http.setHeader(Tracing.TRACEPARENT, traceparent));
        HttpResponse<String> response;
        // Sent and awaited on this thread: the client's sendAsync completes on another one, which
        // cost about four times the CPU per call (bench/steps.md, step 31). The client's timeout
        // covers the headers, the body's deadline the rest (see BoundedBody).
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            response = client.send(http.build(), BoundedBody.upTo(Excerpts.READ_LIMIT, deadline, Durations.format(timeout)));
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            // send() rethrows most failures as a plain IOException around what happened (an
            // EOFException, a reset): the attempt names what happened, as sendAsync's did.
            Throwable cause = e.getClass() == IOException.class && e.getCause() != null ? e.getCause() : e;
            throw new ConnectorException(cause.getClass().getSimpleName() + " calling " + url + ": " + cause.getMessage(),
                    false, null, null, cause);
        }
        int status = response.statusCode();
        // Passed on whole (it is bounded): the run masks secrets in it before it cuts the excerpt.
        String body = response.body();
        if (status >= 200 && status < 300) {
            return new Delivery(status, body);
        }
        boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
        throw new ConnectorException("HTTP " + status + " from " + url, permanent, status, body, null);
    }
}
