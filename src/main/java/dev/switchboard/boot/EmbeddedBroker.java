package dev.switchboard.boot;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import dev.switchboard.stream.Stream;

/**
 * An Artemis broker in this JVM with a persistent journal on disk. Like {@link EmbeddedDatabase}
 * it is started once per JVM; tests stop and start it to play a broker outage.
 */
public final class EmbeddedBroker {

    private static EmbeddedActiveMQ server;
    private static Path dataDirectory;
    private static String host;
    private static int port;

    private EmbeddedBroker() {
    }

    /** Starts the broker (once) and returns the URL clients connect to. */
    public static synchronized String start(Path directory, String bindHost, int requestedPort) {
        if (server == null) {
            dataDirectory = directory;
            host = bindHost;
            port = requestedPort > 0 ? requestedPort : freePort();
            startServer();
        }
        return url();
    }

    /** Starts again, on the same port and journal, after {@link #stop()}. */
    public static synchronized void restart() {
        if (server == null && dataDirectory != null) {
            startServer();
        }
    }

    public static synchronized boolean isRunning() {
        return server != null;
    }

    public static synchronized String url() {
        return "tcp://" + host + ":" + port;
    }

    /** The running broker, for queue statistics; null when stopped. */
    public static synchronized ActiveMQServer server() {
        return server == null ? null : server.getActiveMQServer();
    }

    public static synchronized Path dataDirectory() {
        return dataDirectory;
    }

    public static synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("Embedded Artemis broker did not stop cleanly", e);
            } finally {
                server = null;
            }
        }
    }

    private static void startServer() {
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration());
        try {
            broker.start();
        } catch (Exception e) {
            throw new IllegalStateException("Embedded Artemis broker did not start on " + url(), e);
        }
        // A broker whose acceptor cannot bind still reports itself started: check, and fail fast.
        if (!broker.getActiveMQServer().isActive()
                || broker.getActiveMQServer().getRemotingService().getAcceptor("tcp") == null
                || !broker.getActiveMQServer().getRemotingService().getAcceptor("tcp").isStarted()) {
            try {
                broker.stop();
            } catch (Exception ignored) {
                // already failing; the cause below is what matters
            }
            throw new IllegalStateException("Embedded Artemis broker could not listen on " + url()
                    + " (is another broker using that port? set switchboard.embedded.broker-port)");
        }
        server = broker;
    }

    private static Configuration configuration() {
        Configuration configuration = new ConfigurationImpl()
                .setName("switchboard-embedded")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dataDirectory.resolve("journal").toString())
                .setBindingsDirectory(dataDirectory.resolve("bindings").toString())
                .setPagingDirectory(dataDirectory.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString())
                .setJMXManagementEnabled(false);
        try {
            configuration.addAcceptorConfiguration("tcp", url() + "?protocols=CORE");
        } catch (Exception e) {
            throw new IllegalStateException("Invalid embedded broker address " + url(), e);
        }
        // Redelivery backs off and never gives up on the stream: a message is only dropped
        // from it by being processed, never because the database was down for a while.
        configuration.addAddressSetting(Stream.EVENTS + "#", new AddressSettings()
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(-1)
                .setDeadLetterAddress(SimpleString.of(Stream.DEAD_LETTERS))
                .setAutoCreateDeadLetterResources(true));
        configuration.addQueueConfiguration(QueueConfiguration.of(Stream.EVENTS)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        return configuration;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the embedded broker", e);
        }
    }
}
