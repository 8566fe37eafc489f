package dev.switchboard.boot;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * An Artemis broker in this JVM with a persistent journal on disk, speaking Artemis's own protocol
 * (CORE, which the hub uses) and AMQP 1.0 (for any other client). Like {@link EmbeddedDatabase}
 * it is started once per JVM; tests stop and start it to play a broker outage.
 */
public final class EmbeddedBroker {

    private static final String CORE_ACCEPTOR = "tcp";
    private static final String AMQP_ACCEPTOR = "amqp";

    private static EmbeddedActiveMQ server;
    /** Between {@link #start} (or {@link #restart()}) and {@link #stop()}: a broker found stopped is then revived. */
    private static boolean wanted;
    private static Path dataDirectory;
    private static String host;
    private static int port;
    private static int amqpPort;
    /** Addresses whose rolled-back messages are redelivered with backoff, and their dead-letter address. */
    private static final Map<String, String> redeliveredWithBackoff = new LinkedHashMap<>(
            Map.of(Stream.EVENTS + "#", Stream.DEAD_LETTERS));

    private EmbeddedBroker() {
    }

    /** Starts the broker (once) and returns the URL the hub connects to (CORE protocol). */
    public static synchronized String start(Path directory, String bindHost, int requestedPort, int requestedAmqpPort) {
        if (server == null) {
            dataDirectory = directory;
            host = bindHost;
            port = requestedPort > 0 ? requestedPort : freePort();
            amqpPort = requestedAmqpPort > 0 ? requestedAmqpPort : freePort();
            startServer();
        }
        return url();
    }

    /**
     * Rolled-back messages of the address wait 1 s, doubling to 60 s, and are never given up on:
     * a message leaves the address only by being processed, never because the database was down
     * for a while. Kept across restarts of the broker.
     */
    public static synchronized void redeliverWithBackoff(String address, String deadLetterAddress) {
        redeliveredWithBackoff.put(address, deadLetterAddress);
        if (server != null) {
            server.getActiveMQServer().getAddressSettingsRepository().addMatch(address, backoff(deadLetterAddress));
        }
    }

    /** Starts again, on the same port and journal, after {@link #stop()}. */
    public static synchronized void restart() {
        if (server == null && dataDirectory != null) {
            startServer();
        }
    }

    /**
     * Whether the broker stopped without {@link #stop()}: Artemis stops itself on a critical error
     * (its journal's disk failing, say), or a {@link #revive()} has not succeeded yet.
     */
    public static synchronized boolean hasDied() {
        return wanted && (server == null || !server.getActiveMQServer().isStarted());
    }

    /**
     * Starts a broker that stopped under the hub again, on the same ports and journal; the hub's
     * connections reconnect by themselves. Throws when it cannot start yet; the caller tries again later.
     * Says whether it started one.
     */
    public static synchronized boolean revive() {
        if (!hasDied()) {
            return false;
        }
        if (server != null) {
            try {
                server.stop();
            } catch (Exception alreadyStopping) {
                // what is left of it is not reused
            }
            server = null;
        }
        startServer();
        return true;
    }

    public static synchronized boolean isRunning() {
        return server != null;
    }

    public static synchronized String url() {
        return "tcp://" + host + ":" + port;
    }

    /** Where AMQP 1.0 clients connect. */
    public static synchronized String amqpUrl() {
        return "amqp://" + host + ":" + amqpPort;
    }

    /** The running broker, for queue statistics; null when stopped. */
    public static synchronized ActiveMQServer server() {
        return server == null ? null : server.getActiveMQServer();
    }

    public static synchronized Path dataDirectory() {
        return dataDirectory;
    }

    public static synchronized void stop() {
        wanted = false;
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
        String notListening = !listening(broker, CORE_ACCEPTOR)
                ? url() + " (is another broker using that port? set switchboard.embedded.broker-port)"
                : !listening(broker, AMQP_ACCEPTOR)
                        ? amqpUrl() + " (is another AMQP broker using that port? set switchboard.embedded.amqp-port)"
                        : null;
        if (notListening != null) {
            try {
                broker.stop();
            } catch (Exception ignored) {
                // already failing; the cause below is what matters
            }
            throw new IllegalStateException("Embedded Artemis broker could not listen on " + notListening);
        }
        server = broker;
        wanted = true;
    }

    private static boolean listening(EmbeddedActiveMQ broker, String acceptor) {
        ActiveMQServer active = broker.getActiveMQServer();
        return active.isActive() && active.getRemotingService().getAcceptor(acceptor) != null
                && active.getRemotingService().getAcceptor(acceptor).isStarted();
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
            configuration.addAcceptorConfiguration(CORE_ACCEPTOR, url() + "?protocols=CORE");
            configuration.addAcceptorConfiguration(AMQP_ACCEPTOR, "tcp://" + host + ":" + amqpPort + "?protocols=AMQP");
        } catch (Exception e) {
            throw new IllegalStateException("Invalid embedded broker address " + url() + " or " + amqpUrl(), e);
        }
        redeliveredWithBackoff.forEach((address, deadLetters) ->
                configuration.addAddressSetting(address, backoff(deadLetters)));
        configuration.addQueueConfiguration(QueueConfiguration.of(Stream.EVENTS)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        return configuration;
    }

    private static AddressSettings backoff(String deadLetterAddress) {
        return new AddressSettings()
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(-1)
                .setDeadLetterAddress(SimpleString.of(deadLetterAddress))
                .setAutoCreateDeadLetterResources(true);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the embedded broker", e);
        }
    }
}
