package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.switchboard.support.SourceSettings;

/**
 * A webhook source that would open a door by omission, or whose max-body the HTTP layer would cut
 * short, stops startup naming it.
 */
class WebhookSourcesConfigTest {

    static final long HTTP_LIMIT = 16L << 20;

    private static Map<String, WebhookSource> build(Map<String, String> properties) {
        return WebhookSources.build(SourceSettings.of(properties).sources(), HTTP_LIMIT);
    }

    @Test
    void maxBodyUpToTheHttpLimitIsKept() {
        assertEquals(HTTP_LIMIT, build(Map.of("big.kind", "webhook", "big.signature", "none", "big.max-body", "16M")).get("big").maxBody());
    }

    @Test
    void maxBodyAboveTheHttpLimitStopsStartup() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> build(Map.of("big.kind", "webhook", "big.signature", "none", "big.max-body", "32M",
                        "small.kind", "webhook", "small.signature", "none", "small.max-body", "1M")));
        assertEquals("Source 'big': switchboard.sources.big.max-body is 33554432 bytes, above"
                + " quarkus.http.limits.max-body-size (16777216 bytes), where the HTTP layer refuses a body before"
                + " the source sees it: lower max-body or raise quarkus.http.limits.max-body-size",
                refused.getMessage());
    }

    @Test
    void aWebhookSourceWithoutASignatureSettingStopsStartup() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> build(Map.of("billing.kind", "webhook", "billing.secret", "s")));
        assertEquals("Source 'billing': set switchboard.sources.billing.signature: hmac-sha256, github, stripe,"
                + " standard-webhooks, or none for a source anyone may post to", refused.getMessage());
    }

    @Test
    void aSourceWithoutAKindStopsStartupNamingIt() {
        // Queue settings, but no kind: taken for a webhook, it would be a door nobody meant to open.
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> build(Map.of("legacy.address", "shop.orders")));
        assertTrue(String.valueOf(refused.getMessage()).contains("switchboard.sources.legacy.kind"),
                refused.getMessage());
    }

    @Test
    void anEventIdThatWouldBeTheSameForEveryDeliveryStopsStartup() {
        // As written, every order after the first was answered a duplicate of it, and dropped.
        ConfigurationException misspelt = assertThrows(ConfigurationException.class,
                () -> build(Map.of("shop.kind", "webhook", "shop.signature", "none", "shop.event-id", "jsonpth:$.id")));
        assertTrue(misspelt.getMessage().contains("did you mean 'jsonpath:'?"), misspelt.getMessage());
        ConfigurationException literal = assertThrows(ConfigurationException.class,
                () -> build(Map.of("shop.kind", "webhook", "shop.signature", "none", "shop.event-id", "$.id")));
        assertTrue(literal.getMessage().contains("a literal would make every delivery the same event"),
                literal.getMessage());
        ConfigurationException type = assertThrows(ConfigurationException.class,
                () -> build(Map.of("shop.kind", "webhook", "shop.signature", "none", "shop.event-type", "heder:X-Type")));
        assertTrue(type.getMessage().contains("did you mean 'header:'?"), type.getMessage());
        // A type with a colon that is no prefix stays a literal type.
        assertEquals("urn:shop:order", build(Map.of("shop.kind", "webhook", "shop.signature", "none",
                "shop.event-type", "urn:shop:order")).get("shop").eventType().evaluate(header -> null, null).orElseThrow());
    }
}
