package dev.switchboard.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.switchboard.ingest.SourcesConfig;

/** Source settings mapped as the hub maps them, without starting a hub: for tests of startup checks. */
public final class SourceSettings {

    private SourceSettings() {
    }

    /** @param properties keys below {@code switchboard.sources.}, such as {@code orders.kind} */
    public static SourcesConfig of(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>();
        properties.forEach((key, value) -> all.put("switchboard.sources." + key, value));
        // Quarkus's own duration form (5m), as at runtime
        return new SmallRyeConfigBuilder().withMapping(SourcesConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(all).build().getConfigMapping(SourcesConfig.class);
    }
}
