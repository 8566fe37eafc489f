package dev.switchboard.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.Failures;
import dev.switchboard.core.OverloadedException;
import dev.switchboard.core.UnconfirmedException;
import dev.switchboard.core.ThrottledWarning;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.stream.StreamAddresses;

/**
 * {@code POST /hooks/{source}}: a verified request is accepted onto the stream and answered
 * {@code 202} once durable, a redelivery {@code 200}; every refusal is a problem document.
 */
@ApplicationScoped
public class WebhookRoute extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(WebhookRoute.class);
    /** Seconds a sender should wait before retrying while the database or broker is away. */
    static final String RETRY_AFTER_SECONDS = "5";

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    WebhookReception reception;

    @Inject
    IngestMetrics metrics;

    @Inject
    IngestAdmission admission;

    @Override
    public void configure() {
        // Every refusal is a Problem through the error handler, which logs each "retry attempt" at
        // DEBUG through Camel's shared CamelLogger by setting its level and putting it back: not
        // thread-safe, so under a flood of bad signatures a few came out at ERROR (2 runs of ~6 of
        // FloodIT). Refusals are counted and answered; they need no retry log.
        errorHandler(defaultErrorHandler().logRetryAttempted(false));
        onException(Problem.class).handled(true).process(this::refuse);
        onException(Exception.class).handled(true).process(this::fail);

        from("platform-http:/hooks/{source}").routeId("webhook-ingest")
                .process(reception)
                .process(admission::enter)
                // A failure inside the transacted acceptance has been through that route's own
                // error handler, so the onException above would not see it again: catch it here.
                .doTry()
                    .to(StreamAddresses.ACCEPT)
                    .process(this::acknowledge)
                .doCatch(Exception.class)
                    .process(this::fail)
                .doFinally()
                    .process(exchange -> admission.leave())
                .end();
    }

    private void acknowledge(Exchange exchange) {
        IncomingEvent incoming = exchange.getProperty(ExchangeKeys.WEBHOOK_INCOMING, IncomingEvent.class);
        String source = exchange.getProperty(ExchangeKeys.WEBHOOK_SOURCE, String.class);
        boolean duplicate = exchange.getProperty(ExchangeKeys.SEEN_BEFORE, false, Boolean.class);
        if (duplicate) {
            metrics.duplicate(source);
        } else {
            metrics.accepted(source, Duration.ofMillis(exchange.getClock().elapsed()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", duplicate ? "duplicate" : "accepted");
        body.put("event", incoming.id());
        body.put("source", source);
        body.put("deliveryId", incoming.cloudEvent().getExtension("deliveryid"));
        body.put("type", incoming.cloudEvent().getType());
        respond(exchange, duplicate ? 200 : 202, "application/json", body, Map.of());
    }

    private void refuse(Exchange exchange) {
        Problem problem = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Problem.class);
        metrics.rejected(sourceOf(exchange), problem.reason());
        writeProblem(exchange, problem);
    }

    private void fail(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Problem problem;
        if (DatabaseErrors.isBadData(error)) {
            // Retrying cannot help: the same data is refused however often it comes back. The
            // sender is told why and the refusal counted; a line per request (at DEBUG here) would
            // let any sender write the hub's log.
            LOG.debugf("Webhook for source %s refused by the database: %s", sourceOf(exchange),
                    DatabaseErrors.reason(error));
            problem = new Problem(422, "unstorable-event", "Event cannot be stored",
                    "The database refused this event: " + DatabaseErrors.reason(error));
        } else if (error instanceof OverloadedException) {
            problem = new Problem(503, "overloaded", "Too many requests in progress",
                    "The hub cannot take more events right now; nothing was accepted. Retry later.",
                    Map.of("Retry-After", RETRY_AFTER_SECONDS));
        } else if (error instanceof UnconfirmedException) {
            // The database took the batch but has not answered: it may yet commit, so "nothing
            // was accepted" would be a guess. The retry is safe either way (the delivery's key).
            ThrottledWarning.warn("Webhooks for source " + sourceOf(exchange)
                    + " are answered 503 while their acceptances wait for the database's commit", error);
            problem = new Problem(503, "unconfirmed", "Acceptance not confirmed",
                    "The database did not confirm storing the event in time; it may still do so. Retry later:"
                            + " a retry is accepted once, or answered 200 duplicate if this one was stored.",
                    Map.of("Retry-After", RETRY_AFTER_SECONDS));
        } else if (Outages.isOutage(error)) {
            // Every request says the same while the outage lasts: the log shows it once a window.
            ThrottledWarning.warn("Webhooks for source " + sourceOf(exchange)
                    + " are answered 503 while the database or broker is unavailable", Failures.root(error));
            problem = new Problem(503, "unavailable", "Service unavailable",
                    "The event could not be stored durably right now; nothing was accepted. Retry later.",
                    Map.of("Retry-After", RETRY_AFTER_SECONDS));
        } else {
            LOG.errorf(error, "Webhook for source %s failed", sourceOf(exchange));
            problem = new Problem(500, "internal-error", "Internal error",
                    "The event was not accepted; the hub logged the cause.");
        }
        metrics.rejected(sourceOf(exchange), problem.reason());
        writeProblem(exchange, problem);
    }

    private static String sourceOf(Exchange exchange) {
        String source = exchange.getProperty(ExchangeKeys.WEBHOOK_SOURCE, String.class);
        return source == null ? IngestMetrics.UNKNOWN_SOURCE : source;
    }

    private void writeProblem(Exchange exchange, Problem problem) {
        respond(exchange, problem.status(), Problem.MEDIA_TYPE,
                problem.document(exchange.getProperty(ExchangeKeys.WEBHOOK_PATH, String.class)), problem.headers());
    }

    private void respond(Exchange exchange, int status, String contentType, Map<String, Object> body,
            Map<String, String> headers) {
        Message message = exchange.getMessage();
        // platform-http would echo every remaining header back to the sender
        message.removeHeaders("*");
        headers.forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            message.setBody(json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
