package dev.switchboard.ingest.cdc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.debezium.DebeziumConstants;
import org.apache.kafka.connect.data.Struct;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.Json;
import dev.switchboard.stream.IncomingEvent;

/**
 * Turns a change captured by Debezium into the CloudEvent accepted onto the stream. Its delivery
 * id is the change's position in the database's log (LSN, transaction, table, operation, row key),
 * the same every time Debezium hands the change over, so a change replayed after a crash is
 * dropped as a duplicate.
 */
public final class ChangeEvents {


    private final CdcSource source;

    public ChangeEvents(CdcSource source) {
        this.source = source;
    }

    /** Whether the exchange carries a row change (not a tombstone, heartbeat or schema record). */
    public static boolean isChange(Exchange exchange) {
        return exchange.getMessage().getHeader(DebeziumConstants.HEADER_OPERATION) != null;
    }

    /** Replaces the Debezium message with the CloudEvent and the delivery key {@code direct:switchboard-accept} takes. */
    public void toEvent(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        Map<String, Object> metadata = message.getHeader(DebeziumConstants.HEADER_SOURCE_METADATA, Map.class);
        String schema = String.valueOf(metadata.get("schema"));
        String table = String.valueOf(metadata.get("table"));
        String operation = ChangeEventType.operation(message.getHeader(DebeziumConstants.HEADER_OPERATION, String.class));
        // A table without a primary key has no row key; its changes still differ by LSN.
        Map<String, Object> key = Optional.ofNullable(row(message.getHeader(DebeziumConstants.HEADER_KEY)))
                .orElse(Map.of());
        String keyJson = Json.MAPPER.writeValueAsString(key);
        String deliveryId = metadata.get("lsn") + "/" + metadata.get("txId") + "/" + schema + "." + table + "/"
                + operation + "/" + keyJson;

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("op", operation);
        data.put("schema", schema);
        data.put("table", table);
        data.put("key", key);
        data.put("before", row(message.getHeader(DebeziumConstants.HEADER_BEFORE)));
        data.put("after", row(message.getBody()));
        data.put("lsn", metadata.get("lsn"));
        data.put("txId", metadata.get("txId"));

        Object committedAt = metadata.get("ts_ms");
        IncomingEvent event = IncomingEvent.of(source.name(), deliveryId,
                source.eventType().of(schema, table, operation),
                committedAt instanceof Number millis
                        ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis.longValue()), ZoneOffset.UTC)
                        : OffsetDateTime.now(ZoneOffset.UTC),
                key.isEmpty() ? null : key.values().stream().map(String::valueOf).collect(Collectors.joining(",")),
                null, Json.MAPPER.writeValueAsBytes(data), "application/json");
        message.removeHeaders("*");
        message.setHeader(ExchangeKeys.DELIVERY_KEY, event.deliveryKey());
        message.setBody(event.cloudEvent());
    }

    /** A row as a map of column to value; null for the before of an insert or the after of a delete. */
    private static Map<String, Object> row(Object value) {
        if (!(value instanceof Struct struct)) {
            return null;
        }
        // In column order, unlike Camel's converter to a HashMap.
        Map<String, Object> columns = new LinkedHashMap<>();
        struct.schema().fields().forEach(field -> {
            Object column = struct.get(field);
            columns.put(field.name(), column instanceof Struct ? row(column) : column);
        });
        return columns;
    }
}
