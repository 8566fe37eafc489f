package dev.switchboard.ingest;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

import dev.switchboard.core.Durations;

/**
 * Reads the body of {@code /hooks/{source}} itself, in front of the HTTP layer's body handler, so
 * that memory stays bounded against senders. What can be judged from the request line and headers
 * is refused before a byte of the body is read (wrong method, unknown source, a declared length over
 * the source's {@code max-body}, a full {@link WorkerQueue}); the body is counted against the
 * {@link BodyBudget} as it arrives (not as announced: an announced body costs nothing until sent),
 * cut off at the source's limit or the budget, and refused when it has not arrived whole within
 * {@code switchboard.ingest.body-timeout}. A body read whole is handed on as if the body handler had
 * read it, and the webhook route judges the rest.
 */
@ApplicationScoped
public class WebhookBodies {

    private static final Logger LOG = Logger.getLogger(WebhookBodies.class);

    /** A chunked body's buffer starts at this and grows with what arrives, not with what is announced. */
    private static final int INITIAL_BUFFER = 4096;
    /** A declared body's buffer is allocated up front up to this, like the body handler's. */
    private static final int MAX_PREALLOCATED = 65_536;

    @Inject
    WebhookSources sources;

    @Inject
    BodyBudget budget;

    @Inject
    WorkerQueue queue;

    @Inject
    WebhookHttpRefusals refusals;

    @Inject
    IngestConfig config;

    /** The Vert.x handler of {@code /hooks/:source}, on the event loop, with the request still paused. */
    void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String name = context.pathParam("source");
        if (request.method() != HttpMethod.POST) {
            refusals.refuse(context, new Problem(405, "method-not-allowed", "Method not allowed",
                    "Webhooks are delivered with POST", Map.of("Allow", "POST")));
            return;
        }
        WebhookSource source = sources.find(name).orElse(null);
        if (source == null) {
            refusals.refuse(context, new Problem(404, "unknown-source", "Unknown source",
                    "No webhook source named '" + name + "' is configured"));
            return;
        }
        long declared = Problem.declaredLength(request);
        if (declared > source.maxBody()) {
            refusals.refuse(context, Problem.tooLarge("The body is declared as " + declared + " bytes; source '" + name
                    + "' accepts at most " + source.maxBody()));
            return;
        }
        if (queue.isFull()) {
            refusals.refuse(context, queueFull());
            return;
        }
        if (!Problem.hasBody(request)) {
            handOn(context, Buffer.buffer());
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            refusals.refuse(context, new Problem(417, "expectation-failed", "Expectation failed",
                    "The hub meets no expectation but 100-continue, not '" + expect + "'"));
            return;
        }
        new Reading(context, source, declared).start(expect != null);
    }

    /** One body being read: its bytes so far, and what it holds of the budget. */
    private final class Reading {

        private final RoutingContext context;
        private final WebhookSource source;
        private final long declared;
        private final int preallocated;
        private final Buffer body;
        private long received;
        private long reserved;
        private boolean releasing;
        private boolean over;
        private long deadline = -1;

        Reading(RoutingContext context, WebhookSource source, long declared) {
            this.context = context;
            this.source = source;
            this.declared = declared;
            this.preallocated = (int) Math.min(declared < 0 ? INITIAL_BUFFER : declared, MAX_PREALLOCATED);
            this.body = Buffer.buffer(preallocated);
        }

        void start(boolean continueExpected) {
            // The buffer allocated up front is held at once; the rest of the body as it arrives.
            if (!reserve(preallocated)) {
                refusals.refuse(context, budgetSpent());
                return;
            }
            deadline = context.vertx().setTimer(config.bodyTimeout().toMillis(), timer -> timedOut());
            HttpServerRequest request = context.request();
            request.handler(this::chunk)
                    .endHandler(ended -> end())
                    .exceptionHandler(this::broken);
            if (continueExpected && request.version() != HttpVersion.HTTP_1_0) {
                context.response().writeContinue();
            }
            request.resume();
        }

        private boolean reserve(long bytes) {
            if (!releasing) {
                // Given back however the exchange with the sender ends: answered, failed or hung up.
                releasing = true;
                context.addEndHandler(ended -> {
                    budget.release(reserved);
                    endDeadline();
                });
            }
            if (!budget.tryReserve(bytes)) {
                return false;
            }
            reserved += bytes;
            return true;
        }

        private void chunk(Buffer chunk) {
            if (over) {
                return; // refused; the connection is closing
            }
            received += chunk.length();
            if (received > source.maxBody()) {
                stop(Problem.tooLarge("The body exceeds " + source.maxBody() + " bytes, the most source '" + source.name()
                        + "' accepts"));
            } else if (received > reserved && !reserve(received - reserved)) {
                stop(budgetSpent());
            } else {
                body.appendBuffer(chunk);
            }
        }

        private void stop(Problem problem) {
            over = true;
            endDeadline();
            refusals.refuse(context, problem);
        }

        private void end() {
            if (!over) {
                over = true;
                endDeadline();
                handOn(context, body);
            }
        }

        /** A sender that announces a body and trickles it (or nothing) would hold its bytes for ever. */
        private void timedOut() {
            deadline = -1;
            if (!over && !context.response().closed() && !context.response().ended()) {
                stop(new Problem(408, "body-timeout", "Body too slow", "The body did not arrive whole within "
                        + Durations.format(config.bodyTimeout()) + " (" + received
                        + " bytes read); nothing was accepted (switchboard.ingest.body-timeout)"));
            }
        }

        private void endDeadline() {
            if (deadline >= 0) {
                context.vertx().cancelTimer(deadline);
                deadline = -1;
            }
        }

        /**
         * The sender hung up, reset its stream or broke the protocol mid-body. Nothing was accepted
         * and the hub did nothing wrong: failing the request would log it at ERROR with a stack
         * trace, one per sender that hangs up, a log any stranger could fill. The end handler gives
         * the budget back.
         */
        private void broken(Throwable error) {
            if (over) {
                return;
            }
            over = true;
            endDeadline();
            LOG.debugf("Body of a webhook to source %s not read to its end: %s", source.name(), error);
            if (!context.response().closed() && !context.response().ended()) {
                refusals.refuse(context, new Problem(400, "incomplete-body", "Incomplete body",
                        "The body ended before it was complete: " + error.getMessage()));
            }
        }
    }

    /**
     * Passes a request whose body is read to the next handlers, the webhook route's among them, as
     * the body handler would: that handler sees the body as read and lets it through.
     */
    private void handOn(RoutingContext context, Buffer body) {
        if (!queue.tryEnter(context)) {
            refusals.refuse(context, queueFull());
            return;
        }
        RoutingContextInternal internal = (RoutingContextInternal) context;
        internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
        internal.setBody(body);
        context.next();
    }

    private Problem budgetSpent() {
        return overloaded("The hub holds as many webhook bodies as it may at once ("
                + budget.limit() + " bytes, switchboard.ingest.max-buffered); nothing was accepted. Retry later.");
    }

    private Problem queueFull() {
        return overloaded(queue.limit() + " webhook requests are already waiting for a worker thread, the most"
                + " the hub queues (switchboard.ingest.max-queued); nothing was accepted. Retry later.");
    }

    /** As {@link IngestAdmission} refuses, so that senders see one kind of overload. */
    private static Problem overloaded(String detail) {
        return new Problem(503, "overloaded", "Too many requests in progress", detail,
                Map.of("Retry-After", WebhookRoute.RETRY_AFTER_SECONDS));
    }
}
