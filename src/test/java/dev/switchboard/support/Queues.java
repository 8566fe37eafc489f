package dev.switchboard.support;

import org.apache.activemq.artemis.core.server.Queue;

import dev.switchboard.boot.EmbeddedBroker;

/** Statistics of a queue of the embedded broker. */
public final class Queues {

    private Queues() {
    }

    public static long added(String name) {
        Queue queue = EmbeddedBroker.server().locateQueue(name);
        return queue == null ? 0 : queue.getMessagesAdded();
    }

    public static long acknowledged(String name) {
        Queue queue = EmbeddedBroker.server().locateQueue(name);
        return queue == null ? 0 : queue.getMessagesAcknowledged();
    }
}
