package dev.switchboard.ops.parked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.switchboard.ingest.QueueSources;
import dev.switchboard.ingest.broker.BrokerAddressSettings;
import dev.switchboard.ingest.broker.BrokerConfig;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.OperatorBroker;
import dev.switchboard.support.SourceSettings;

/**
 * On an external broker the dead-letter queues its address settings give the stream and the queue
 * sources are listed whatever their names, read from the settings: a stream message the broker gave
 * up on (here after the distribution's ten immediate attempts, as a database outage would cause) is
 * seen in {@code DLQ}, and replayed to the stream from a dead-letter address of its own.
 */
class BrokerParkingQueuesTest {

    static final String ORDERS = "legacy.orders";

    static ParkingQueues queues(ConnectionFactory factory, QueueSources sources) {
        BrokerConfig config = new SmallRyeConfigBuilder().withMapping(BrokerConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()).build().getConfigMapping(BrokerConfig.class);
        BrokerAddressSettings settings = new BrokerAddressSettings(factory, config, sources);
        settings.verify();
        return new ParkingQueues(sources, settings);
    }

    static QueueSources ordersSource() {
        return new QueueSources(SourceSettings.of(Map.of("orders.kind", "queue", "orders.address", ORDERS)));
    }

    static ParkedMessages parked(ConnectionFactory factory) {
        ParkedMessages parked = new ParkedMessages();
        parked.broker = factory;
        return parked;
    }

    /** Consumes the message and rolls it back until the broker gives up on it, as the stream consumer does in an outage. */
    static void rollBackUntilGivenUp(ConnectionFactory factory, String address) {
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED);
                JMSConsumer consumer = context.createConsumer(context.createQueue(address))) {
            Message message;
            while ((message = consumer.receive(2000)) != null) {
                assertNotNull(message);
                context.rollback();
            }
        }
    }

    static void send(ConnectionFactory factory, String address, String body) {
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(context.createQueue(address), body);
        }
    }

    @Test
    void aStreamMessageTheBrokerGaveUpOnIsListedInItsSharedDlqWithoutOtherApplicationsMessages() throws Exception {
        try (OperatorBroker broker = OperatorBroker.start(Map.of("#", OperatorBroker.distributionDefaults()))) {
            ConnectionFactory factory = broker.connectionFactory("admin");
            send(factory, StreamAddresses.EVENTS, "{\"specversion\":\"1.0\",\"id\":\"e-1\"}");
            send(factory, "other.application", "not the hub's");
            rollBackUntilGivenUp(factory, StreamAddresses.EVENTS);
            rollBackUntilGivenUp(factory, "other.application");

            ParkingQueues queues = queues(factory, ordersSource());
            ParkingQueue dlq = queues.named("DLQ").orElseThrow(() -> new AssertionError(queues.all()));
            assertEquals(StreamAddresses.EVENTS + ", " + ORDERS, dlq.from());
            assertEquals(Optional.empty(), dlq.replayTo(), "one target would be wrong for the other origin's messages");
            ParkedMessages.Page page = parked(factory).browse(dlq, 0, 10);
            assertEquals(1, page.total(), "the other application's dead letter is not the hub's: " + page.items());
            assertEquals("{\"specversion\":\"1.0\",\"id\":\"e-1\"}", page.items().get(0).excerpt());
            assertEquals(StreamAddresses.EVENTS + ", " + ORDERS, page.items().get(0).cameFrom());
        }
    }

    @Test
    void aStreamsOwnDeadLetterAddressIsListedByItsNameAndReplayedToTheStream() throws Exception {
        AddressSettings streamSettings = OperatorBroker.distributionDefaults().setMaxDeliveryAttempts(2)
                .setDeadLetterAddress(SimpleString.of("hub.undelivered")).setAutoCreateDeadLetterResources(true);
        try (OperatorBroker broker = OperatorBroker.start(Map.of("#", OperatorBroker.distributionDefaults(),
                StreamAddresses.EVENTS, streamSettings))) {
            ConnectionFactory factory = broker.connectionFactory("admin");
            send(factory, StreamAddresses.EVENTS, "{\"specversion\":\"1.0\",\"id\":\"e-2\"}");
            rollBackUntilGivenUp(factory, StreamAddresses.EVENTS);

            ParkingQueues queues = queues(factory, ordersSource());
            String name = "hub.undelivered::DLQ." + StreamAddresses.EVENTS;
            ParkingQueue own = queues.named(name).orElseThrow(() -> new AssertionError(queues.all()));
            assertEquals(Optional.of(StreamAddresses.EVENTS), own.replayTo());
            assertTrue(queues.named("DLQ").isPresent(), "the source's messages still go to DLQ: " + queues.all());
            ParkedMessages parked = parked(factory);
            ParkedMessages.Page page = parked.browse(own, 0, 10);
            assertEquals(1, page.total());

            assertTrue(parked.replay(own, page.items().get(0).id()));
            assertEquals(0, parked.count(own));
            try (JMSContext context = factory.createContext();
                    JMSConsumer stream = context.createConsumer(context.createQueue(StreamAddresses.EVENTS))) {
                assertEquals("{\"specversion\":\"1.0\",\"id\":\"e-2\"}", stream.receiveBody(String.class, 5000));
                assertNull(stream.receiveNoWait());
            }
        }
    }
}
