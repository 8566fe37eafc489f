package dev.switchboard.ingest.cdc;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event type of a captured change, from a pattern such as {@code db.{table}.{op}} with the
 * placeholders {@code {schema}}, {@code {table}} and {@code {op}} ({@code created}, {@code updated},
 * {@code deleted}, or {@code read} for a row of an initial snapshot).
 */
public record ChangeEventType(String pattern) {

    public static final String DEFAULT = "db.{table}.{op}";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Map<String, String> OPERATIONS = Map.of("c", "created", "u", "updated", "d", "deleted",
            "r", "read", "t", "truncated");

    public ChangeEventType {
        Matcher placeholders = PLACEHOLDER.matcher(pattern);
        while (placeholders.find()) {
            if (!Map.of("schema", 0, "table", 0, "op", 0).containsKey(placeholders.group(1))) {
                throw new IllegalArgumentException("event-type has an unknown placeholder {" + placeholders.group(1)
                        + "}: use {schema}, {table} and {op}");
            }
        }
    }

    /** The operation's name in event types, from Debezium's one-letter code. */
    public static String operation(String code) {
        String name = OPERATIONS.get(code);
        if (name == null) {
            throw new IllegalArgumentException("unknown Debezium operation '" + code + "'");
        }
        return name;
    }

    public String of(String schema, String table, String operation) {
        return pattern.replace("{schema}", schema).replace("{table}", table).replace("{op}", operation);
    }
}
