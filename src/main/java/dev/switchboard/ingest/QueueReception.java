package dev.switchboard.ingest;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsConstants;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.Tracing;
import dev.switchboard.stream.IncomingEvent;

/**
 * Turns one message of a queue source into a CloudEvent for {@code direct:switchboard-accept}.
 * A JSON object or array body is the event's JSON data; any other body is kept as it came, text
 * as {@code text/plain}, bytes as {@code application/octet-stream}. The message is left untouched
 * when it is unreadable, so that the parked copy is the original.
 */
class QueueReception implements Processor {

    private final QueueSource source;
    private final ObjectReader reader;
    private final Tracer tracer;

    /** @param json Quarkus's mapper: a body with anything after its JSON value is not JSON. */
    QueueReception(QueueSource source, ObjectMapper json, Tracer tracer) {
        this.source = source;
        this.tracer = tracer;
        this.reader = ExactJson.reader(json).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Object received = message.getBody();
        byte[] body = received == null ? new byte[0] : message.getBody(byte[].class);
        if (body == null) {
            throw new UnreadableMessageException("the body is a " + received.getClass().getSimpleName()
                    + ", not text or bytes");
        }
        // The embedded broker refuses such a message from a publisher (EmbeddedBroker); an
        // external broker hands it over, and it is parked here rather than stored and streamed.
        if (body.length > source.maxBody()) {
            throw new UnreadableMessageException("the body is " + body.length + " bytes, over the source's max-body of "
                    + source.maxBody() + " bytes (switchboard.sources." + source.name() + ".max-body)");
        }
        JsonNode json = parseJson(body);
        UnaryOperator<String> properties = name -> message.getHeader(name, String.class);

        String deliveryId = source.eventId()
                .map(expression -> required(expression, "event id", properties, json))
                .orElseGet(() -> MessageIds.stableId(message, body));
        String type = required(source.eventType(), "event type", properties, json);
        for (String[] field : new String[][] {{"event type", type}, {"delivery id", deliveryId}}) {
            IncomingEvent.overLimit(field[0], field[1]).ifPresent(reason -> {
                throw new UnreadableMessageException(reason);
            });
        }

        Long sentAt = message.getHeader(JmsConstants.JMS_HEADER_TIMESTAMP, Long.class);
        String contentType = received instanceof String ? "text/plain; charset=utf-8" : "application/octet-stream";
        OffsetDateTime time = OffsetDateTime.ofInstant(
                sentAt == null || sentAt <= 0 ? Instant.now() : Instant.ofEpochMilli(sentAt), ZoneOffset.UTC);
        // The message's own traceparent property, as a W3C-aware publisher sets it.
        IncomingEvent incoming = AcceptanceSpan.accept(tracer, exchange, SpanKind.CONSUMER,
                Tracing.of(properties.apply(Tracing.TRACEPARENT)), source.name(), deliveryId, type,
                () -> IncomingEvent.of(source.name(), deliveryId, type, time, json, body, contentType));

        message.removeHeaders("*");
        message.setHeader(ExchangeKeys.DELIVERY_KEY, incoming.deliveryKey());
        message.setBody(incoming.cloudEvent());
    }

    private static String required(FieldExpression expression, String what, UnaryOperator<String> properties,
            JsonNode json) {
        return expression.evaluate(properties, json).orElseThrow(() -> new UnreadableMessageException(
                expression instanceof FieldExpression.JsonPathField && json == null
                        ? "the " + what + " (" + expression + ") needs a JSON body, and this body is not a JSON object or array"
                        : "the " + what + " (" + expression + ") is absent from this message"));
    }

    /** The body as JSON when it is a JSON object or array; null otherwise (text, bytes, malformed JSON). */
    private JsonNode parseJson(byte[] body) {
        try {
            JsonNode node = reader.readTree(body);
            // A number too long written out (see ExactJson) makes it a body kept as it came, not JSON.
            return node != null && node.isContainerNode() && ExactJson.tooLongNumber(node) == null ? node : null;
        } catch (IOException notJson) {
            return null;
        }
    }
}
