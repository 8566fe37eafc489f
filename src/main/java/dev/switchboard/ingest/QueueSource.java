package dev.switchboard.ingest;

import java.util.Optional;

import dev.switchboard.ingest.SourcesConfig.Destination;

/**
 * A configured queue source: a broker address whose messages become events. Without an event-id
 * expression the message id is the delivery id, so only a redelivery of the same message is a
 * duplicate.
 */
public record QueueSource(
        String name,
        String address,
        Destination destination,
        String subscription,
        Optional<FieldExpression> eventId,
        FieldExpression eventType,
        String parkedAddress,
        int consumers,
        long maxBody) {

    /**
     * The Camel endpoint consuming it: transacted, so that a message is acknowledged only when
     * its event has been recorded; a topic through a shared durable subscription, so that every
     * replica shares one copy of each message and none is lost while the hub is down.
     */
    public String endpointUri() {
        // CACHE_CONSUMER: as for the stream, otherwise a session and consumer are opened per message.
        // disableReplyTo: a message naming a reply-to would otherwise be answered over the hub's
        // own connection, letting a publisher have the hub send to any address (the stream too).
        String common = "?transacted=true&transactionManager=#queueSourceTransactions"
                + "&cacheLevelName=CACHE_CONSUMER&disableReplyTo=true&concurrentConsumers=" + consumers;
        return switch (destination) {
            case QUEUE -> "jms:queue:" + address + common;
            case TOPIC -> "jms:topic:" + address + common
                    + "&subscriptionDurable=true&subscriptionShared=true&subscriptionName=" + subscription;
        };
    }
}
