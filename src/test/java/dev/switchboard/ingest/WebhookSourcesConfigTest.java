package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.switchboard.support.SourceSettings;

/** A webhook source whose max-body the HTTP layer would cut short stops startup, naming both settings. */
class WebhookSourcesConfigTest {

    static final long HTTP_LIMIT = 16L << 20;

    private static Map<String, WebhookSource> build(Map<String, String> properties) {
        return WebhookSources.build(SourceSettings.of(properties).sources(), HTTP_LIMIT);
    }

    @Test
    void maxBodyUpToTheHttpLimitIsKept() {
        assertEquals(HTTP_LIMIT, build(Map.of("big.max-body", "16MB")).get("big").maxBody());
    }

    @Test
    void maxBodyAboveTheHttpLimitStopsStartup() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> build(Map.of("big.max-body", "32MB", "small.max-body", "1MB")));
        assertEquals("Source 'big': switchboard.sources.big.max-body is 33554432 bytes, above"
                + " quarkus.http.limits.max-body-size (16777216 bytes), where the HTTP layer refuses a body before"
                + " the source sees it: lower max-body or raise quarkus.http.limits.max-body-size",
                refused.getMessage());
    }
}
