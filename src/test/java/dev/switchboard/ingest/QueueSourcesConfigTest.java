package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.switchboard.support.SourceSettings;

/** Queue sources as configured: defaults, and the mistakes that stop startup with the source's name. */
class QueueSourcesConfigTest {

    private static Map<String, QueueSource> build(Map<String, String> properties) {
        return QueueSources.build(SourceSettings.of(properties).sources());
    }

    @Test
    void defaults() {
        QueueSource orders = build(Map.of("orders.kind", "queue", "orders.address", "shop.orders",
                "hook.kind", "webhook")).get("orders");
        assertEquals("shop.orders.parked", orders.parkedAddress());
        assertEquals(new FieldExpression.Literal("orders"), orders.eventType(), "the type defaults to the source name");
        assertTrue(orders.eventId().isEmpty(), "the id defaults to the message id");
        assertEquals(1024 * 1024, orders.maxBody(), "as a webhook's");
        assertEquals("jms:queue:shop.orders?transacted=true&transactionManager=#queueSourceTransactions"
                + "&cacheLevelName=CACHE_CONSUMER&disableReplyTo=true&concurrentConsumers=1",
                orders.endpointUri());
    }

    @Test
    void aTopicIsReadThroughASharedDurableSubscription() {
        QueueSource prices = build(Map.of("prices.kind", "queue", "prices.address", "erp.prices",
                "prices.destination", "topic", "prices.consumers", "3")).get("prices");
        assertTrue(prices.endpointUri().startsWith("jms:topic:erp.prices?"), prices.endpointUri());
        assertTrue(prices.endpointUri().endsWith("&concurrentConsumers=3&subscriptionDurable=true"
                + "&subscriptionShared=true&subscriptionName=switchboard.prices"), prices.endpointUri());
    }

    @Test
    void mistakesNameTheSource() {
        assertRefused(Map.of("legacy.kind", "queue"),
                "Source 'legacy': a queue source needs an address: set switchboard.sources.legacy.address");
        assertRefused(Map.of("legacy.kind", "queue", "legacy.address", "a", "legacy.event-id", "header:X-Id"),
                "Source 'legacy': header: is for webhook sources");
        assertRefused(Map.of("legacy.kind", "queue", "legacy.address", "a", "legacy.event-id", "fixed"),
                "Source 'legacy': event-id is property:<name> or jsonpath:<path>");
        assertRefused(Map.of("legacy.kind", "queue", "legacy.address", "a", "legacy.parked-address", "a"),
                "Source 'legacy': parked-address must differ from address");
        assertRefused(Map.of("legacy.kind", "queue", "legacy.address", "a", "legacy.event-type", "jsonpath:$[oops"),
                "Source 'legacy': invalid JSON path");
        assertRefused(Map.of("legacy.kind", "queue", "legacy.address", "a", "legacy.max-body", "0"),
                "Source 'legacy': max-body must be at least 1 byte");
    }

    @Test
    void anAddressIsOneNameOutsideTheHubsOwnNotAPatternThatWouldLetItsPublishersSendEverywhere() {
        for (String setting : List.of("address", "parked-address")) {
            for (String address : List.of("#", "shop.*", "switchboard.events", "switchboard.dead", "DLQ", "ExpiryQueue")) {
                Map<String, String> properties = new HashMap<>(Map.of("shop.kind", "queue", "shop.address", "shop.orders"));
                properties.put("shop." + setting, address);
                assertRefused(properties, "Source 'shop': " + setting + " '" + address + "' is "
                        + (address.contains("#") || address.contains("*") ? "a wildcard" : "one of the hub's own addresses"));
            }
        }
    }

    @Test
    void twoSourcesOnOneAddressAreBothRefusedNamingEachOther() {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> build(Map.of(
                "orders.kind", "queue", "orders.address", "shop.orders",
                "refunds.kind", "queue", "refunds.address", "shop.orders", "refunds.destination", "topic",
                "prices.kind", "queue", "prices.address", "erp.prices")));
        assertEquals(2, refused.getMessage().lines().count(), refused.getMessage());
        assertTrue(refused.getMessage().contains("Source 'orders': address 'shop.orders' belongs to source 'refunds',"
                + " which reads it too"), refused.getMessage());
        assertTrue(refused.getMessage().contains("Source 'refunds': address 'shop.orders' belongs to source 'orders'"),
                refused.getMessage());
    }

    @Test
    void aSourceMayNotReadWhereAnotherParksItsUnreadableMessages() {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> build(Map.of(
                "orders.kind", "queue", "orders.address", "shop.orders",
                "rescue.kind", "queue", "rescue.address", "shop.orders.parked")));
        assertEquals("Source 'rescue': address 'shop.orders.parked' belongs to source 'orders', which parks its"
                + " unreadable messages there: give each source its own", refused.getMessage());
    }

    @Test
    void twoSourcesMayNotParkOnOneAddressWhoseMessagesCouldNotBeReplayedToTheRightOne() {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> build(Map.of(
                "orders.kind", "queue", "orders.address", "shop.orders", "orders.parked-address", "shop.rejected",
                "refunds.kind", "queue", "refunds.address", "shop.refunds", "refunds.parked-address", "shop.rejected")));
        assertTrue(refused.getMessage().contains("Source 'orders': parked-address 'shop.rejected' belongs to source"
                + " 'refunds', which parks its unreadable messages there too"), refused.getMessage());
        assertTrue(refused.getMessage().contains("Source 'refunds': parked-address 'shop.rejected' belongs to"
                + " source 'orders'"), refused.getMessage());
    }

    private static void assertRefused(Map<String, String> properties, String expected) {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> build(properties));
        assertTrue(refused.getMessage().startsWith(expected), refused.getMessage());
    }
}
