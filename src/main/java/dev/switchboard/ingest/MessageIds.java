package dev.switchboard.ingest;

import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;

import dev.switchboard.stream.IncomingEvent;

/**
 * The id a queue message keeps across redeliveries, the default delivery id of a queue source.
 * Artemis hands a message that arrived over AMQP to a JMS consumer as a new JMS message on every
 * delivery, with a fresh {@code JMSMessageID}; the AMQP message-id its sender set is kept in the
 * property {@value #AMQP_MESSAGE_ID}. A message sent with Artemis's own protocol keeps its
 * {@code JMSMessageID}. A message with neither is named by a hash of its body, as a webhook without
 * an id is: a byte-identical body is then the same delivery.
 */
final class MessageIds {

    /** Where Artemis keeps the AMQP message-id of a message converted for a JMS consumer. */
    static final String AMQP_MESSAGE_ID = "NATIVE_MESSAGE_ID";
    /** Set by Artemis on every message it converted from AMQP. */
    private static final String FROM_AMQP = "JMS_AMQP_ORIGINAL_ENCODING";

    private MessageIds() {
    }

    static String stableId(Message message, byte[] body) {
        String amqp = message.getHeader(AMQP_MESSAGE_ID, String.class);
        if (amqp != null && !amqp.isBlank()) {
            return amqp;
        }
        String jms = message.getHeader(JmsConstants.JMS_HEADER_MESSAGE_ID, String.class);
        boolean regeneratedPerDelivery = message.getHeader(FROM_AMQP) != null;
        if (jms != null && !jms.isBlank() && !regeneratedPerDelivery) {
            return jms;
        }
        return IncomingEvent.digestId(body);
    }
}
