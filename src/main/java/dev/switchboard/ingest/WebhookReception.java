package dev.switchboard.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.netty.handler.codec.http.QueryStringDecoder;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.Tracing;
import dev.switchboard.stream.IncomingEvent;

/**
 * Judges a webhook request and turns it into a CloudEvent: method, source, size, media type,
 * signature over the raw bytes, well-formed JSON, then event id and type. Every refusal is a
 * {@link Problem}; nothing here touches the database or the broker.
 */
@ApplicationScoped
public class WebhookReception implements Processor {

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    WebhookSources sources;

    @Inject
    IngestMetrics metrics;

    @Inject
    WorkerQueue queue;

    @Inject
    Tracer tracer;

    Clock clock = Clock.systemUTC();

    /** Made once, as QueueReception's: a reader per request was work on the hot path. */
    private ObjectReader exact;

    @PostConstruct
    void readExactly() {
        exact = ExactJson.reader(json);
    }

    @Override
    public void process(Exchange exchange) {
        // The first step on a worker thread: the request no longer waits in the pool's queue.
        queue.started(exchange);
        Message message = exchange.getMessage();
        String name = message.getHeader("source", String.class);
        exchange.setProperty(ExchangeKeys.WEBHOOK_PATH, "/hooks/" + name);
        WebhookSource source = sources.find(name).orElse(null);
        exchange.setProperty(ExchangeKeys.WEBHOOK_SOURCE, source == null ? IngestMetrics.UNKNOWN_SOURCE : name);
        metrics.received(exchange.getProperty(ExchangeKeys.WEBHOOK_SOURCE, String.class));

        if (!"POST".equals(message.getHeader(Exchange.HTTP_METHOD, String.class))) {
            throw new Problem(405, "method-not-allowed", "Method not allowed",
                    "Webhooks are delivered with POST", Map.of("Allow", "POST"));
        }
        if (source == null) {
            throw new Problem(404, "unknown-source", "Unknown source",
                    "No webhook source named '" + name + "' is configured");
        }
        byte[] received = message.getBody(byte[].class);
        byte[] body = received == null ? new byte[0] : received;
        if (body.length > source.maxBody()) {
            throw new Problem(413, "body-too-large", "Body too large", "The body has " + body.length
                    + " bytes; source '" + name + "' accepts at most " + source.maxBody());
        }
        requireMediaType(source, message.getHeader(Exchange.CONTENT_TYPE, String.class));

        WebhookRequest request = new WebhookRequest(name, headersOf(message), body);
        source.verifier().verify(request, clock.instant());
        JsonNode json = source.isJson() ? parse(body) : null;

        String deliveryId = source.eventId().flatMap(id -> id.evaluate(request::header, json))
                .orElseGet(() -> IncomingEvent.digestId(body));
        String type = source.eventType().evaluate(request::header, json).orElseThrow(() -> Problem.badRequest(
                "missing-event-type", "Event type not found",
                "The event type (" + source.eventType() + ") is absent from this request"));
        for (String[] field : new String[][] {{"event type", type}, {"delivery id", deliveryId}}) {
            IncomingEvent.overLimit(field[0], field[1]).ifPresent(reason -> {
                throw Problem.badRequest("field-too-long", "Field too long", "In this request " + reason);
            });
        }

        IncomingEvent incoming = AcceptanceSpan.accept(tracer, exchange, SpanKind.SERVER,
                Tracing.parent(request.header(Tracing.TRACEPARENT)), name, deliveryId, type,
                () -> IncomingEvent.of(name, deliveryId, type, OffsetDateTime.now(clock), json, body,
                        source.contentType()));
        CloudEvent event = incoming.cloudEvent();
        exchange.setProperty(ExchangeKeys.WEBHOOK_INCOMING, incoming);
        message.removeHeaders("*");
        message.setHeader(ExchangeKeys.DELIVERY_KEY, incoming.deliveryKey());
        message.setBody(event);
    }

    private static void requireMediaType(WebhookSource source, String contentType) {
        String given = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean acceptable = source.isJson()
                ? given.equals("application/json") || given.endsWith("+json")
                : given.equals(source.contentType());
        if (!acceptable) {
            throw new Problem(415, "unsupported-media-type", "Unsupported media type", "Source '" + source.name()
                    + "' accepts " + source.contentType() + ", not '" + (given.isEmpty() ? "(none)" : given) + "'");
        }
    }

    private JsonNode parse(byte[] body) {
        try (JsonParser parser = exact.createParser(body)) {
            JsonNode node = exact.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw Problem.badRequest("malformed-json", "Malformed JSON", "The body is empty");
            }
            String tooLong = ExactJson.tooLongNumber(node);
            if (tooLong != null) {
                throw Problem.badRequest("malformed-json", "Malformed JSON", "The number " + tooLong + " has more than "
                        + ExactJson.MAX_NUMBER_LENGTH + " digits written out");
            }
            // readTree stops after the first value; anything after it means the sender sent
            // something other than what we would store, so refuse it rather than cut it off.
            requireNothingAfter(parser);
            return node;
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("malformed-json", "Malformed JSON",
                    "The body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw Problem.badRequest("malformed-json", "Malformed JSON", "The body could not be read");
        }
    }

    private static void requireNothingAfter(JsonParser parser) throws java.io.IOException {
        JsonLocation end = parser.currentLocation();
        boolean trailing;
        try {
            trailing = parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            trailing = true;
        }
        if (trailing) {
            throw Problem.badRequest("malformed-json", "Malformed JSON", "The body is not valid JSON: content"
                    + " follows the JSON value, which ends at line " + end.getLineNr() + ", column "
                    + end.getColumnNr());
        }
    }

    /**
     * The request's headers, the first value of each. Camel's platform-http adds the query's
     * parameters to the same map, after the headers: a signature, delivery id or event type there
     * is none of the sender's headers (and would sit in every proxy's access log), so a value that
     * only the query gave is left out.
     */
    private static Map<String, String> headersOf(Message message) {
        Map<String, Integer> queried = new HashMap<>();
        String query = message.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        if (query != null && !query.isEmpty()) {
            new QueryStringDecoder(query, StandardCharsets.UTF_8, false).parameters().forEach((name, values) ->
                    queried.merge(name.toLowerCase(Locale.ROOT), values.size(), Integer::sum));
        }
        Map<String, String> headers = new HashMap<>();
        message.getHeaders().forEach((key, value) -> {
            int fromQuery = queried.getOrDefault(key.toLowerCase(Locale.ROOT), 0);
            if (value instanceof List<?> list && list.size() > fromQuery) {
                headers.put(key, String.valueOf(list.get(0)));
            } else if (value instanceof String text && fromQuery == 0) {
                headers.put(key, text);
            }
        });
        return headers;
    }
}
