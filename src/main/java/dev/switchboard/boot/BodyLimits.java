package dev.switchboard.boot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.utils.CompositeAddress;

/**
 * The embedded broker's refusal of a message larger than its queue source's {@code max-body}, at
 * the send: Artemis has no limit of its own, and a client that received such a message would hold
 * it whole in memory. The broker has it on disk by then (a large message streams there), so the
 * publisher's send fails and neither the broker's memory nor the hub's holds it.
 */
final class BodyLimits implements ActiveMQServerMessagePlugin {

    /**
     * Allowed above the body for the message's headers and properties, which the broker counts in
     * its size; the hub checks the body itself exactly when it receives the message.
     */
    static final long HEADROOM = 64 * 1024;

    /** Address → the largest body its publishers may send. */
    private final Map<String, Long> limits = new ConcurrentHashMap<>();

    void limit(String address, long maxBody) {
        limits.put(address, maxBody);
    }

    void lift(String address) {
        limits.remove(address);
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueue) throws ActiveMQException {
        String address = message.getAddress();
        if (address == null) {
            return;
        }
        // A fully qualified queue name (address::queue) is limited as its address.
        Long limit = limits.get(CompositeAddress.extractAddressName(address));
        long size = message.getWholeMessageSize();
        if (limit != null && size > limit + HEADROOM) {
            throw new ActiveMQException("message of " + size + " bytes refused: " + address
                    + " takes bodies of at most " + limit + " bytes (the queue source's max-body)");
        }
    }
}
