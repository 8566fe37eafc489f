package dev.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.apache.activemq.artemis.core.server.Queue;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.switchboard.boot.EmbeddedBroker;

/** Statistics of a queue of the embedded broker, and the passwords of its queue sources' publishers. */
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

    /** The configured publisher password of a queue source, or the one the hub generated beside the broker's data. */
    public static String publisherPassword(String source) {
        return ConfigProvider.getConfig()
                .getOptionalValue("switchboard.sources." + source + ".publisher-password", String.class)
                .orElseGet(() -> {
                    try {
                        return Files.readString(EmbeddedBroker.dataDirectory()
                                .resolveSibling("artemis." + source + ".password")).strip();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
