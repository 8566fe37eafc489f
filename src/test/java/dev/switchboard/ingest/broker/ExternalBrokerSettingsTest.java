package dev.switchboard.ingest.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.switchboard.ingest.QueueSources;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.OperatorBroker;
import dev.switchboard.support.SourceSettings;

/**
 * The hub on an external broker checks, through its management address, that the stream and every
 * queue source keep redelivering through a database outage; a real Artemis broker is started here
 * with the address settings an operator would give it. Issue 14's case is the first: a broker left
 * with the distribution's defaults would move stream messages to {@code DLQ} after a few seconds of
 * database outage, and their events would stay {@code RECEIVED} for ever.
 */
class ExternalBrokerSettingsTest {

    static final String ORDERS = "legacy.orders";

    static AddressSettings backoff() {
        return new AddressSettings().setRedeliveryDelay(1000).setRedeliveryMultiplier(2).setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(-1).setDeadLetterAddress(SimpleString.of("DLQ"));
    }

    static BrokerAddressSettings check(OperatorBroker broker, String user, Map<String, String> brokerSettings) {
        QueueSources sources = new QueueSources(SourceSettings.of(Map.of("orders.kind", "queue", "orders.address", ORDERS)));
        BrokerConfig config = new SmallRyeConfigBuilder().withMapping(BrokerConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(brokerSettings).build().getConfigMapping(BrokerConfig.class);
        return new BrokerAddressSettings(broker.connectionFactory(user), config, sources);
    }

    @Test
    void aBrokerWithTheDistributionsDefaultsIsRefusedNamingEachAddressTheSettingAndTheFix() throws Exception {
        try (OperatorBroker broker = OperatorBroker.start(Map.of("#", OperatorBroker.distributionDefaults()))) {
            List<String> problems = check(broker, "admin", Map.of()).verify();
            assertEquals(2, problems.size(), problems.toString());
            assertEquals("Broker address " + StreamAddresses.EVENTS + " has redelivery-delay 0 (max-delivery-attempts 10): during"
                    + " a database outage its messages are redelivered at once, in a loop, and moved to DLQ within a"
                    + " second. Fix it in broker.xml: <address-setting match=\"" + StreamAddresses.EVENTS + "\">"
                    + "<redelivery-delay>1000</redelivery-delay><redelivery-delay-multiplier>2</redelivery-delay-multiplier>"
                    + "<max-redelivery-delay>60000</max-redelivery-delay><max-delivery-attempts>-1</max-delivery-attempts>"
                    + "</address-setting>", problems.get(0));
            assertTrue(problems.get(1).startsWith("Broker address " + ORDERS + " has redelivery-delay 0"), problems.get(1));
            assertTrue(problems.stream().noneMatch(line -> line.contains("\n")), "one line each: " + problems);
        }
    }

    @Test
    void aBrokerWithNoAddressSettingsAtAllIsRefusedToo() throws Exception {
        try (OperatorBroker broker = OperatorBroker.start(Map.of())) {
            List<String> problems = check(broker, "admin", Map.of()).verify();
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("redelivery-delay 0 (max-delivery-attempts 10)")
                    && problems.get(0).contains("dropped (no dead-letter-address)"), problems.get(0));
        }
    }

    @Test
    void aBrokerThatRedeliversWithADelayForEverPasses() throws Exception {
        try (OperatorBroker broker = OperatorBroker.start(Map.of("#", OperatorBroker.distributionDefaults(),
                StreamAddresses.EVENTS, backoff(), "legacy.#", backoff()))) {
            BrokerAddressSettings settings = check(broker, "admin", Map.of());
            assertEquals(List.of(), settings.verify());
            assertEquals(List.of(new BrokerAddressSettings.DeadLetterQueue("DLQ", List.of(StreamAddresses.EVENTS, ORDERS),
                    "_AMQ_ORIG_ADDRESS IN ('" + StreamAddresses.EVENTS + "', '" + ORDERS + "')")), settings.deadLetterQueues());
        }
    }

    @Test
    void boundedAttemptsPassOnlyWhenTheirDelaysOutlastTheStatedOutage() throws Exception {
        // 1 s doubling to 60 s: 1+2+4+8+16+32 = 63 s, then 60 s each; 20 attempts wait 63 + 13 × 60 = 843 s.
        AddressSettings twentyAttempts = backoff().setMaxDeliveryAttempts(20);
        try (OperatorBroker broker = OperatorBroker.start(Map.of("#", twentyAttempts))) {
            assertEquals(List.of(), check(broker, "admin", Map.of("switchboard.broker.outlast-outage", "10m")).verify());
            List<String> problems = check(broker, "admin", Map.of()).verify();
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("Broker address " + StreamAddresses.EVENTS + " has max-delivery-attempts 20"
                    + " (redelivery-delay 1000 ms): a database outage longer than 843 s gets its messages moved to DLQ,"
                    + " and the hub is to outlast 3600 s (switchboard.broker.outlast-outage)."), problems.get(0));
        }
    }

    @Test
    void theDocumentedBackoffOutlastsTheDefaultHourWithSixtySixAttemptsAndNotWithSixtyFive() {
        // docs/sources.md: with 1 s doubling to 60 s, 66 attempts outlast switchboard.broker.outlast-outage's hour.
        Duration hour = Duration.ofHours(1);
        assertEquals(Optional.empty(), new Redelivery(ORDERS, 1000, 2, 60_000, 66, Optional.of("DLQ")).problem(hour));
        assertTrue(new Redelivery(ORDERS, 1000, 2, 60_000, 65, Optional.of("DLQ")).problem(hour).isPresent());
    }

    @Test
    void aBrokerUserWithoutTheManagePermissionIsRefusedNamingIt() throws Exception {
        try (OperatorBroker broker = OperatorBroker.start(Map.of("#", backoff()))) {
            List<String> problems = check(broker, "app", Map.of()).verify();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("Cannot check the external broker's address settings: the permission"
                    + " manage on activemq.management was refused"), problems.get(0));
            assertTrue(problems.get(0).endsWith("or set switchboard.broker.check-address-settings=false and check the"
                    + " settings yourself."), problems.get(0));
            assertTrue(check(broker, "app", Map.of()).deadLetterQueues().isEmpty(), "nothing read, nothing listed");
        }
    }
}
