package dev.switchboard.routes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.Json;
import dev.switchboard.stream.IncomingEvent;

/**
 * Turns the message of a user route into an event: the headers say its type, source and id,
 * the body is its data (JSON when it is JSON text, a map or a list; otherwise bytes).
 */
final class RouteEvents {


    private RouteEvents() {
    }

    static IncomingEvent incoming(Exchange exchange, String type) {
        Message message = exchange.getMessage();
        String source = message.getHeader(ExchangeKeys.EVENT_SOURCE, exchange.getFromRouteId(), String.class);
        byte[] body = bytes(message.getBody());
        String deliveryId = message.getHeader(ExchangeKeys.EVENT_ID, () -> IncomingEvent.digestId(body), String.class);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, "text/plain", String.class);
        return IncomingEvent.of(source, deliveryId, type, OffsetDateTime.now(ZoneOffset.UTC), json(body, contentType),
                body, contentType);
    }

    static String requiredHeader(Exchange exchange, String name, String endpoint) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(endpoint + " needs the header " + name + " (route "
                    + exchange.getFromRouteId() + ")");
        }
        return value;
    }

    private static byte[] bytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(body); // a map or list from unmarshal, SQL or a processor
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The body (" + body.getClass().getName() + ") is neither text nor JSON", e);
        }
    }

    /**
     * An object or array is JSON data; anything else (text, CSV, a bare value) stays bytes. A body
     * the route says is JSON ({@code Content-Type: application/json}) that is not is refused: kept as
     * text, every rule reading its fields would quietly never match.
     */
    private static JsonNode json(byte[] body, String contentType) {
        try {
            JsonNode tree = body.length == 0 ? null : Json.MAPPER.readTree(body);
            return tree != null && tree.isContainerNode() ? tree : null;
        } catch (IOException notJson) {
            if (saysJson(contentType)) {
                throw new IllegalArgumentException("The body is not the JSON its Content-Type (" + contentType
                        + ") says: " + (notJson instanceof JsonProcessingException parse ? parse.getOriginalMessage()
                        : notJson.getMessage()), notJson);
            }
            return null;
        }
    }

    private static boolean saysJson(String contentType) {
        String type = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.equals("text/json") || type.endsWith("+json");
    }
}
