package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.boot.EmbeddedDatabase;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/**
 * Queue sources (see HubTestProfile): messages published over AMQP 1.0 with the qpid-jms client,
 * and over Artemis's own protocol, become events exactly once, across duplicates and a
 * redelivery after a database outage; an unreadable message is dead-lettered once, with its reason.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class QueueSourceTest {

    @Inject
    DataSource dataSource;

    /** The hub's own (CORE protocol) connection factory, as any Artemis JMS client would have. */
    @Inject
    ConnectionFactory coreClient;

    /** A system publishing to the source's address over AMQP 1.0, logged in as the source's publisher. */
    private static JmsConnectionFactory publisher(String source) {
        String url = EmbeddedBroker.amqpUrl();
        assertTrue(url.startsWith("amqp://127.0.0.1:"), url);
        return new JmsConnectionFactory(source, Queues.publisherPassword(source), url);
    }

    /** Sends a text message over AMQP as the source's publisher and returns the message id the client gave it. */
    private static String sendAmqp(String source, String queue, String body, Map<String, String> properties)
            throws Exception {
        try (JMSContext context = publisher(source).createContext()) {
            TextMessage message = context.createTextMessage(body);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            context.createProducer().send(context.createQueue(queue), message);
            return message.getJMSMessageID();
        }
    }

    @Test
    void amqpJsonMessagesBecomeEventsOnceEvenWhenSentTwice() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + id + "\",\"type\":\"legacy.order.created\",\"total\":42}";
        UUID event = IncomingEvent.eventId("queue-json", id);
        double accepted = HubState.metric(metric("accepted", "queue-json"));
        double duplicates = HubState.metric(metric("duplicate", "queue-json"));

        sendAmqp("queue-json", "test.queue.json", body, Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null);
        sendAmqp("queue-json", "test.queue.json", body, Map.of());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> HubState.metric(metric("duplicate", "queue-json")) == duplicates + 1);

        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", event));
        // Counted after the acceptance's commit, in the route's thread: awaited, then held to one.
        await().atMost(Duration.ofSeconds(10)).until(() -> HubState.metric(metric("accepted", "queue-json")) > accepted);
        assertEquals(1, HubState.metric(metric("accepted", "queue-json")) - accepted, "one event accepted");
        assertEquals(1, HubState.count(dataSource,
                "select count(*) from idempotency_key where processor = 'ingest' and key = ?", "queue-json:" + id));
        assertEquals("legacy.order.created", HubState.text(dataSource, "select type from event where id = ?", event));
        assertEquals("application/json", HubState.text(dataSource,
                "select envelope->>'datacontenttype' from event where id = ?", event));
        assertEquals("42", HubState.text(dataSource, "select envelope->'data'->>'total' from event where id = ?", event),
                "a JSON body is the event's JSON data");
        // and the event went on through the stream: no rule takes this type
        await().atMost(Duration.ofSeconds(20)).until(() -> "IGNORED".equals(HubState.eventState(dataSource, event)));
    }

    @Test
    void aMessagesTraceparentPropertyIsContinuedByItsEventsTrace() throws Exception {
        String id = UUID.randomUUID().toString();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        UUID event = IncomingEvent.eventId("queue-json", id);
        sendAmqp("queue-json", "test.queue.json", "{\"id\":\"" + id + "\",\"type\":\"legacy.order.traced\"}",
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null);

        String traceparent = HubState.text(dataSource, "select envelope->>'traceparent' from event where id = ?", event);
        assertTrue(traceparent.startsWith("00-" + traceId + "-"), "the acceptance continues the publisher's trace: " + traceparent);
        assertFalse(traceparent.contains("00f067aa0ba902b7"), "under a span of its own: " + traceparent);
        given().get("/api/events/" + event).then().statusCode(200).body("traceId", org.hamcrest.Matchers.equalTo(traceId));
    }

    @Test
    void theSameIdPropertyTwiceIsOneEventWhateverTheClient() throws Exception {
        String orderId = "order-" + UUID.randomUUID();
        UUID event = IncomingEvent.eventId("queue-keyed", orderId);
        double duplicates = HubState.metric(metric("duplicate", "queue-keyed"));

        sendAmqp("queue-keyed", "test.queue.keyed", "ORDER;" + orderId + ";first", Map.of("OrderId", orderId));
        try (JMSContext context = coreClient.createContext()) {
            context.createProducer().setProperty("OrderId", orderId)
                    .send(context.createQueue("test.queue.keyed"), "ORDER;" + orderId + ";second");
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> HubState.metric(metric("duplicate", "queue-keyed")) == duplicates + 1);

        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", event));
        assertEquals("test.keyed", HubState.text(dataSource, "select type from event where id = ?", event));
        assertTrue(HubState.text(dataSource, "select envelope->>'datacontenttype' from event where id = ?", event)
                .startsWith("text/plain"));
        assertEquals("ORDER;" + orderId + ";first", HubState.text(dataSource,
                "select convert_from(decode(envelope->>'data_base64', 'base64'), 'UTF8') from event where id = ?", event),
                "the first message is the event, the second changed nothing");
    }

    @Test
    void aCoreJmsMessageBecomesAnEventToo() throws Exception {
        String orderId = "core-" + UUID.randomUUID();
        String messageId;
        try (JMSContext context = coreClient.createContext()) {
            context.createProducer().setProperty("OrderId", orderId)
                    .send(context.createQueue("test.queue.keyed"), "from a core client");
            TextMessage plain = context.createTextMessage("plain from a core client");
            context.createProducer().send(context.createQueue("test.queue.plain"), plain);
            messageId = plain.getJMSMessageID();
        }
        UUID keyed = IncomingEvent.eventId("queue-keyed", orderId);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, keyed) != null);
        // Without an event-id expression, the JMS message id names the event.
        UUID plain = IncomingEvent.eventId("queue-plain", messageId);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, plain) != null);
    }

    @Test
    void aTopicIsReadThroughADurableSubscription() throws Exception {
        String orderId = "topic-" + UUID.randomUUID();
        try (JMSContext context = publisher("queue-topic").createContext()) {
            context.createProducer().setProperty("OrderId", orderId)
                    .send(context.createTopic("test.topic"), "{\"n\":1}");
        }
        UUID event = IncomingEvent.eventId("queue-topic", orderId);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null);
        assertEquals("queue-topic", HubState.text(dataSource, "select type from event where id = ?", event),
                "the type defaults to the source name");
    }

    @Test
    void aMessageRolledBackWhileTheDatabaseIsDownIsRedeliveredRecordedOnceAndWarnedOfOnce() throws Exception {
        String marker = UUID.randomUUID().toString();
        double received = HubState.metric(metric("received", "queue-plain"));
        long acknowledged = Queues.acknowledged("test.queue.plain");
        String messageId;

        List<CapturedLog.Line> logged;
        try (CapturedLog log = CapturedLog.open()) {
            EmbeddedDatabase.stop();
            try {
                messageId = sendAmqp("queue-plain", "test.queue.plain", "plain " + marker, Map.of());
                // Delivered, failed, rolled back and delivered again while the database is away.
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                        .until(() -> HubState.metric(metric("received", "queue-plain")) >= received + 2);
                assertEquals(acknowledged, Queues.acknowledged("test.queue.plain"), "not acknowledged before recorded");
            } finally {
                EmbeddedDatabase.restart();
            }
            logged = log.lines();
            // Every delivery of a waiting message fails alike: a warning, not an ERROR with its stack each time.
            assertEquals(List.of(), log.errors(), "nothing at ERROR for an outage");
        }
        assertEquals(Map.of(), CapturedLog.repeatedMoreThan(1, logged), "each kind once: " + logged);
        // Once per cause: a database stopped mid-statement fails the first delivery otherwise than
        // the refused connections after it (a CI run saw both), each said once.
        long warned = logged.stream().filter(line -> line.message().startsWith(
                "Messages of queue source queue-plain are rolled back for redelivery")).count();
        assertTrue(warned >= 1 && warned <= 2, logged.toString());

        // The sender's message id is the delivery id: every redelivery of the message names the same event
        // (Artemis gives an AMQP message a new JMSMessageID at each delivery to a JMS consumer).
        UUID event = IncomingEvent.eventId("queue-plain", messageId);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> HubState.eventState(dataSource, event) != null);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queues.acknowledged("test.queue.plain") == acknowledged + 1);
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where source = 'queue-plain'"
                + " and convert_from(decode(envelope->>'data_base64', 'base64'), 'UTF8') = ?", "plain " + marker));
        assertEquals("queue-plain", HubState.text(dataSource, "select type from event where id = ?", event));
    }

    @Test
    void aBodyThatIsNotJsonGoesToTheDeadLettersOnceWithItsReason() throws Exception {
        String body = "not json " + UUID.randomUUID();
        double received = HubState.metric(metric("received", "queue-json"));
        double rejected = HubState.metric(rejected("queue-json"));
        long dead = Queues.added("test.queue.json.parked");

        sendAmqp("queue-json", "test.queue.json", body, Map.of());

        Message deadLetter = deadLetter("test.queue.json.parked", body);
        assertTrue(deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON).contains("jsonpath:$.id"),
                deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON));
        assertTrue(deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON).contains("not a JSON object or array"));
        assertEquals("queue-json", deadLetter.getStringProperty(ExchangeKeys.PARKED_SOURCE));
        neverRedelivered("queue-json", received, rejected, "test.queue.json.parked", dead);
    }

    @Test
    void aBodyOverTheSourcesMaxBodyIsRefusedAtTheSendOrParkedNeverStored() throws Exception {
        String marker = UUID.randomUUID().toString();
        long parked = Queues.added("test.queue.plain.parked");
        double received = HubState.metric(metric("received", "queue-plain"));

        // Far over queue-plain's 64K: the embedded broker refuses the send, over either protocol.
        String huge = marker + " " + "x".repeat(512 * 1024);
        JMSRuntimeException amqp = assertThrows(JMSRuntimeException.class,
                () -> sendAmqp("queue-plain", "test.queue.plain", huge, Map.of()));
        assertTrue(String.valueOf(amqp.getMessage()).contains("max-body"), String.valueOf(amqp.getMessage()));
        try (JMSContext context = new ActiveMQConnectionFactory(EmbeddedBroker.url(), "queue-plain",
                Queues.publisherPassword("queue-plain")).createContext()) {
            JMSRuntimeException core = assertThrows(JMSRuntimeException.class,
                    () -> context.createProducer().send(context.createQueue("test.queue.plain"), huge));
            assertTrue(String.valueOf(core.getMessage()).contains("max-body"), String.valueOf(core.getMessage()));
        }

        // Over it by less than the broker's allowance for headers, as an external broker would hand
        // over any size: the hub parks it with the reason instead of storing it.
        String over = marker + " " + "y".repeat(80 * 1024);
        sendAmqp("queue-plain", "test.queue.plain", over, Map.of());
        Message deadLetter = deadLetter("test.queue.plain.parked", over);
        assertTrue(deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON).contains("bytes, over the source's"
                + " max-body of 65536 bytes (switchboard.sources.queue-plain.max-body)"),
                deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON));
        assertEquals(1, Queues.added("test.queue.plain.parked") - parked, "only the one the broker let through");
        assertEquals(1, HubState.metric(metric("received", "queue-plain")) - received, "the refused never arrived");
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where envelope::text like ?",
                "%" + marker + "%"));
    }

    @Test
    void aMessageWithoutItsIdPropertyGoesToTheConfiguredDeadLetterAddress() throws Exception {
        String body = "no id " + UUID.randomUUID();
        double received = HubState.metric(metric("received", "queue-keyed"));
        double rejected = HubState.metric(rejected("queue-keyed"));
        long dead = Queues.added("test.queue.keyed.rejected");

        sendAmqp("queue-keyed", "test.queue.keyed", body, Map.of("SomethingElse", "x"));

        Message deadLetter = deadLetter("test.queue.keyed.rejected", body);
        assertTrue(deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON).contains("(property:OrderId) is absent"),
                deadLetter.getStringProperty(ExchangeKeys.PARKED_REASON));
        assertEquals("x", deadLetter.getStringProperty("SomethingElse"), "the original message is kept");
        neverRedelivered("queue-keyed", received, rejected, "test.queue.keyed.rejected", dead);
    }

    @Test
    void aCamelPropertyInAnyCaseCannotSteerADeadLetterElsewhere() throws Exception {
        // Camel looks headers up ignoring case; the sender hopes the dead-letter send obeys it.
        List<String> casings = List.of("CAMELJMSDESTINATIONNAME", "CamelJMSDestinationName",
                "camelJmsDestinationName", "cAmElJmSdEsTiNaTiOnNaMe");
        long dead = Queues.added("test.queue.json.parked");
        String marker = UUID.randomUUID().toString();
        for (String property : casings) {
            sendAmqp("queue-json", "test.queue.json", "not json " + property + " " + marker,
                    Map.of(property, "test.steered." + marker));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.added("test.queue.json.parked") >= dead + casings.size());
        for (String property : casings) {
            Message deadLetter = deadLetter("test.queue.json.parked", "not json " + property + " " + marker);
            assertEquals(null, deadLetter.getObjectProperty(property), property + " is not kept");
        }
        assertEquals(0, Queues.added("test.steered." + marker), "nothing went where the property pointed");
    }

    @Test
    void aReplyToAddressCannotMakeTheHubSendAnythingThere() throws Exception {
        // camel-jms answers a message that names a reply-to, over the hub's own connection: a
        // publisher could have the hub send its body to any address, the stream included.
        String marker = UUID.randomUUID().toString();
        String replies = "test.replied." + marker;
        String id = UUID.randomUUID().toString();
        long parked = Queues.added("test.queue.json.parked");
        long acknowledged = Queues.acknowledged("test.queue.json");
        try (JMSContext context = publisher("queue-json").createContext()) {
            for (String body : List.of("{\"id\":\"" + id + "\",\"type\":\"legacy.order.replied\"}", "not json " + marker)) {
                TextMessage message = context.createTextMessage(body);
                message.setJMSReplyTo(context.createQueue(replies));
                context.createProducer().send(context.createQueue("test.queue.json"), message);
            }
        }
        UUID event = IncomingEvent.eventId("queue-json", id);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null
                && Queues.added("test.queue.json.parked") == parked + 1
                && Queues.acknowledged("test.queue.json") >= acknowledged + 2);
        assertEquals(0, Queues.added(replies), "nothing was sent to the reply-to address");
    }

    @Test
    void aMapMessageIsNotABodyTheHubCanKeep() throws Exception {
        String marker = UUID.randomUUID().toString();
        long dead = Queues.added("test.queue.plain.parked");
        try (JMSContext context = publisher("queue-plain").createContext()) {
            jakarta.jms.MapMessage message = context.createMapMessage();
            message.setString("marker", marker);
            context.createProducer().send(context.createQueue("test.queue.plain"), message);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.added("test.queue.plain.parked") == dead + 1);
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where envelope::text like ?",
                "%" + marker + "%"));
    }

    /** Reads the dead-letter address over AMQP, as the hub (only it may), until the message with this body arrives. */
    private static Message deadLetter(String address, String body) throws Exception {
        try (JMSContext context = new JmsConnectionFactory(EmbeddedBroker.HUB_USER, EmbeddedBroker.hubPassword(),
                        EmbeddedBroker.amqpUrl()).createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue(address))) {
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                Message message = consumer.receive(1000);
                // Other tests park messages that are not text here too (a map message).
                if (message instanceof TextMessage text && body.equals(text.getText())) {
                    return message;
                }
            }
        }
        throw new AssertionError("no dead letter with body '" + body + "' in " + address);
    }

    private static void neverRedelivered(String source, double receivedBefore, double rejectedBefore,
            String deadAddress, long deadBefore) throws InterruptedException {
        // Time for the redeliveries a rolled-back message would get (the first after 1 s).
        Thread.sleep(2500);
        assertEquals(1, HubState.metric(metric("received", source)) - receivedBefore, "delivered once, not looped");
        assertEquals(1, Queues.added(deadAddress) - deadBefore, "dead-lettered once");
        assertEquals(1, HubState.metric(rejected(source)) - rejectedBefore, "counted as rejected");
    }

    private static String metric(String name, String source) {
        return "switchboard_ingest_" + name + "_total{source=\"" + source + "\"}";
    }

    private static String rejected(String source) {
        return "switchboard_ingest_rejected_total{reason=\"unreadable\",source=\"" + source + "\"}";
    }
}
