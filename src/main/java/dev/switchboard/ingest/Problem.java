package dev.switchboard.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An RFC 9457 problem: what went wrong with a request, told to its sender as
 * {@code application/problem+json}. Thrown to end a request early; never carries a stack trace.
 */
public class Problem extends RuntimeException {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** How long a refused sender's remaining body is dropped before its connection is closed. */
    private static final long LINGER_MILLIS = 1000;

    private final int status;
    private final String reason;
    private final String title;
    private final Map<String, String> headers;

    /**
     * @param reason a short machine name of the cause, used in the problem type and in metrics
     */
    public Problem(int status, String reason, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
        this.title = title;
        this.headers = headers;
    }

    public Problem(int status, String reason, String title, String detail) {
        this(status, reason, title, detail, Map.of());
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public String type() {
        return "urn:switchboard:problem:" + reason;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Starts the answer to a request refused before it reached a resource or a route (the HTTP
     * filters of webhooks and of the API): the status, the media type and this problem's headers.
     * End it with {@link #json}.
     */
    public HttpServerResponse answer(HttpServerResponse response) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE);
        headers.forEach(response::putHeader);
        return response;
    }

    /**
     * Answers the request in {@code context} with this problem before its body was read (a body too
     * large to take): the connection is closed, since the rest of the body may be on its way.
     */
    public void refuseUnread(RoutingContext context) {
        HttpServerResponse response = answer(context.response());
        HttpServerRequest request = context.request();
        if (!request.isEnded() && hasBody(request)) {
            // Not at once: a connection closed with the sender's bytes unread is reset, and a sender
            // still sending would lose the answer. Its bytes are dropped for a moment, then it is closed.
            response.putHeader(HttpHeaders.CONNECTION, "close");
            request.handler(dropped -> { }).resume();
            context.addEndHandler(ended -> context.vertx().setTimer(LINGER_MILLIS,
                    timer -> request.connection().close()));
        }
        response.end(json(context.normalizedPath()));
    }

    /** Whether a body follows the request's headers (HTTP/1.1: a length above 0 or a transfer encoding). */
    public static boolean hasBody(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_2
                || request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || declaredLength(request) > 0;
    }

    /** The declared Content-Length, or -1 when there is none (chunked, HTTP/2) or it is not a number. */
    public static long declaredLength(HttpServerRequest request) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(declared.trim());
            return length < 0 ? -1 : length;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@link #document} as JSON text. */
    public String json(String instance) {
        return new JsonObject(document(instance)).encode();
    }

    /**
     * The problem document told to the sender about the request at {@code instance}: the one
     * shape of every problem the hub answers (webhooks, the API, the HTTP filters).
     */
    public Map<String, Object> document(String instance) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("type", type());
        document.put("title", title);
        document.put("status", status);
        document.put("detail", detail());
        document.put("instance", instance);
        return document;
    }

    public static Problem badSignature(String detail) {
        return new Problem(401, "bad-signature", "Invalid signature", detail);
    }

    public static Problem staleTimestamp(String detail) {
        return new Problem(401, "stale-timestamp", "Timestamp outside tolerance", detail);
    }

    /** A body larger than the hub or a source takes. */
    public static Problem tooLarge(String detail) {
        return new Problem(413, "body-too-large", "Body too large", detail);
    }

    public static Problem badRequest(String reason, String title, String detail) {
        return new Problem(400, reason, title, detail);
    }
}
