package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/**
 * The embedded broker lets nobody in without a password, and a queue source's publisher only as
 * far as its own address: the attacks of issue 11 (a forged event sent straight to the stream, the
 * stream drained by a stranger) are refused on both protocols.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class EmbeddedBrokerSecurityTest {

    @ConfigProperty(name = "switchboard.data-dir")
    Path dataDir;

    @Test
    void anAmqpClientWithoutCredentialsIsRefused() {
        JmsConnectionFactory anonymous = new JmsConnectionFactory(EmbeddedBroker.amqpUrl());
        assertThrows(JMSRuntimeException.class, () -> {
            try (JMSContext context = anonymous.createContext()) {
                context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), forgedEvent());
            }
        });
    }

    @Test
    void aCoreClientWithoutCredentialsOrWithAWrongPasswordIsRefused() {
        assertThrows(JMSRuntimeException.class, () -> new ActiveMQConnectionFactory(EmbeddedBroker.url()).createContext().close());
        assertThrows(JMSRuntimeException.class, () -> new ActiveMQConnectionFactory(EmbeddedBroker.url(),
                EmbeddedBroker.HUB_USER, "not-the-password").createContext().close());
    }

    /**
     * Artemis lets its cluster user in past every permission check, and ships that user with a
     * published password ("CHANGE ME!!"); nothing clusters with the embedded broker, so nobody may
     * log in as it.
     */
    @Test
    void artemisesDefaultClusterUserIsRefusedOnBothProtocols() {
        String user = "ACTIVEMQ.CLUSTER.ADMIN.USER";
        String publishedPassword = "CHANGE ME!!";
        assertThrows(JMSRuntimeException.class, () -> {
            try (JMSContext context = new ActiveMQConnectionFactory(EmbeddedBroker.url(), user, publishedPassword)
                    .createContext()) {
                context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), forgedEvent());
            }
        });
        assertThrows(JMSRuntimeException.class, () -> {
            try (JMSContext context = new JmsConnectionFactory(user, publishedPassword, EmbeddedBroker.amqpUrl())
                    .createContext()) {
                context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), forgedEvent());
            }
        });
    }

    @Test
    void aSourcesPublisherCannotSendToTheStreamNorToAnotherSourceNorConsume() throws Exception {
        JmsConnectionFactory publisher = new JmsConnectionFactory("queue-json", Queues.publisherPassword("queue-json"),
                EmbeddedBroker.amqpUrl());
        try (JMSContext context = publisher.createContext()) {
            // Its login works: its own address takes what it sends.
            context.createProducer().send(context.createQueue("test.queue.json"),
                    "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"type\":\"security.own.address\"}");
            assertThrows(JMSRuntimeException.class,
                    () -> context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), forgedEvent()));
            assertThrows(JMSRuntimeException.class,
                    () -> context.createProducer().send(context.createQueue(StreamAddresses.PARKED), forgedEvent()));
            assertThrows(JMSRuntimeException.class,
                    () -> context.createProducer().send(context.createQueue("test.queue.keyed"), "{}"));
            assertThrows(JMSRuntimeException.class,
                    () -> context.createConsumer(context.createQueue(StreamAddresses.EVENTS)).receiveNoWait());
            assertThrows(JMSRuntimeException.class,
                    () -> context.createConsumer(context.createQueue("test.queue.json")).receiveNoWait());
        }
    }

    @Test
    void aPublisherWithAWrongPasswordIsRefused() {
        JmsConnectionFactory guess = new JmsConnectionFactory("queue-keyed", "keyed-publisher-wrong-password",
                EmbeddedBroker.amqpUrl());
        assertThrows(JMSRuntimeException.class, () -> guess.createContext().close());
    }

    @Test
    void theGeneratedPasswordsAreKeptReadableByTheOwnerOnly() throws Exception {
        for (Path file : new Path[] {dataDir.resolve("artemis.password"), dataDir.resolve("artemis.queue-json.password")}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertEquals(EmbeddedBroker.hubPassword(), Files.readString(dataDir.resolve("artemis.password")).strip());
        assertEquals(false, Files.exists(dataDir.resolve("artemis.queue-keyed.password")),
                "a configured publisher password is not written anywhere");
    }

    /** Every event's payload is in the journal, whose files Artemis writes readable by all: its folder is the owner's. */
    @Test
    void theJournalIsOutOfOtherUsersReach() throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("artemis"))));
    }

    /** What the attacker of issue 11 sent: an order nobody placed, dressed as the shop's CloudEvent. */
    private static String forgedEvent() {
        return "{\"specversion\":\"1.0\",\"id\":\"forged\",\"source\":\"shop\",\"type\":\"order.created\","
                + "\"data\":{\"total\":999999}}";
    }
}
