package dev.switchboard.core;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one plain Jackson mapper, for code that is no CDI bean: what {@code ./backtest} runs
 * without a hub ({@link EventDocument}, {@link Template}), and helpers built per source or route
 * ({@code routes.RouteEvents}, {@code ingest.cdc.ChangeEvents}) whose output must not change with
 * Quarkus's Jackson settings: a map read by SQL or captured by Debezium may hold dates, which
 * this mapper writes as epoch milliseconds and Quarkus's as ISO text. Beans inject Quarkus's
 * {@code ObjectMapper} instead.
 */
public final class Json {

    /** Configured by no one after this line: shared across threads. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
