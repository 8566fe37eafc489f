package dev.switchboard.boot;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

import dev.switchboard.stream.StreamAddresses;

/**
 * An Artemis broker in this JVM with a persistent journal on disk, speaking Artemis's own protocol
 * (CORE, which the hub uses) and AMQP 1.0 (for any other client). Like {@link EmbeddedDatabase}
 * it is started once per JVM; tests stop and start it to play a broker outage.
 *
 * <p>Nobody gets in without a password. The hub logs in as {@value #HUB_USER} (password configured,
 * or generated on first start into {@code data/artemis.password}) and may do anything; each queue
 * source's publishers log in as the source's name (see {@link #admitPublisher}) and may only send
 * to its address. So no client but the hub can put an event on the stream, take one off it, or
 * read another source's messages.
 */
public final class EmbeddedBroker {

    private static final String CORE_ACCEPTOR = "tcp";
    private static final String AMQP_ACCEPTOR = "amqp";
    /** The broker user the hub itself logs in as. */
    public static final String HUB_USER = "switchboard";
    private static final String HUB_ROLE = "hub";

    private static final SecurityConfiguration users = new SecurityConfiguration();
    /** Address → the publisher role allowed to send to it, kept across restarts of the broker. */
    private static final Map<String, String> publishedAddresses = new LinkedHashMap<>();
    /** What its publishers may send to each address, kept across restarts of the broker. */
    private static final BodyLimits bodyLimits = new BodyLimits();

    private static EmbeddedActiveMQ server;
    /** Between {@link #start} (or {@link #restart()}) and {@link #stop()}: a broker found stopped is then revived. */
    private static boolean wanted;
    private static Path dataDirectory;
    private static String host;
    private static int port;
    private static int amqpPort;
    /** Addresses whose rolled-back messages are redelivered with backoff, and their dead-letter address. */
    private static final Map<String, String> redeliveredWithBackoff = new LinkedHashMap<>(
            Map.of(StreamAddresses.EVENTS + "#", StreamAddresses.PARKED));

    private EmbeddedBroker() {
    }

    /**
     * Starts the broker (once) and returns the URL the hub connects to (CORE protocol), as
     * {@value #HUB_USER} with {@link #hubPassword()}: the configured password, or the one kept in
     * {@code data/artemis.password}.
     */
    public static synchronized String start(Path directory, String bindHost, int requestedPort, int requestedAmqpPort,
            Optional<String> configuredPassword) {
        if (server == null) {
            dataDirectory = directory;
            // The journal holds every event's payload, and Artemis writes its files readable by all.
            OwnerOnlyFiles.folder(directory);
            host = bindHost;
            port = requestedPort > 0 ? requestedPort : FreePorts.pick();
            amqpPort = requestedAmqpPort > 0 ? requestedAmqpPort : FreePorts.pick();
            users.addUser(HUB_USER, configuredPassword.orElseGet(() -> PasswordFile.of(directory).readOrCreate()));
            users.addRole(HUB_USER, HUB_ROLE);
            startServer();
        }
        return url();
    }

    public static synchronized String hubPassword() {
        return users.getUser(HUB_USER).getPassword();
    }

    /**
     * Lets the publishers of a queue source log in as {@code user} (the source's name) and send to
     * {@code address} bodies of at most {@code maxBody} bytes, and nothing else. Returns where the
     * password is kept: the configured one is used as it is, otherwise one is generated on first
     * start into {@code data/artemis.<user>.password}.
     */
    public static synchronized Optional<Path> admitPublisher(String user, String address, Optional<String> configuredPassword,
            long maxBody) {
        if (HUB_USER.equals(user)) {
            throw new IllegalArgumentException("'" + HUB_USER + "' is the hub's own broker user: give the queue"
                    + " source another name");
        }
        PasswordFile file = PasswordFile.named(dataDirectory, dataDirectory.getFileName() + "." + user);
        String password = configuredPassword.orElseGet(file::readOrCreate);
        boolean unchanged = users.getUser(user) != null && password.equals(users.getUser(user).getPassword())
                && publisherRole(user).equals(publishedAddresses.get(address));
        users.addUser(user, password);
        users.addRole(user, publisherRole(user));
        publishedAddresses.put(address, publisherRole(user));
        bodyLimits.limit(address, maxBody);
        // A reload admits every queue source again: the broker's matches change only when they do.
        if (server != null && !unchanged) {
            server.getActiveMQServer().getSecurityRepository().addMatch(address, roles(address));
        }
        return configuredPassword.isPresent() ? Optional.empty() : Optional.of(file.file());
    }

    /**
     * Undoes {@link #admitPublisher}: the user can no longer log in, and nobody but the hub may send
     * to the address. For a queue source removed from the configuration at runtime.
     */
    public static synchronized void dismissPublisher(String user, String address) {
        if (HUB_USER.equals(user)) {
            return;
        }
        users.removeUser(user);
        publishedAddresses.remove(address);
        bodyLimits.lift(address);
        if (server != null) {
            server.getActiveMQServer().getSecurityRepository().addMatch(address, roles(address));
        }
    }

    /**
     * Rolled-back messages of the address wait 1 s, doubling to 60 s, and are never given up on:
     * a message leaves the address only by being processed, never because the database was down
     * for a while. Kept across restarts of the broker.
     */
    public static synchronized void redeliverWithBackoff(String address, String deadLetterAddress) {
        if (deadLetterAddress.equals(redeliveredWithBackoff.put(address, deadLetterAddress))) {
            return; // as it was: a changed match makes every queue re-read its settings
        }
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
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration())
                // Users and roles in memory: the JAAS module reads them at every login, so a
                // publisher admitted after the start can log in at once.
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
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
                .setSecurityEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dataDirectory.resolve("journal").toString())
                .setBindingsDirectory(dataDirectory.resolve("bindings").toString())
                .setPagingDirectory(dataDirectory.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString())
                .setJMXManagementEnabled(false)
                // Artemis admits its cluster user past every permission check, and its default
                // password is published; nothing clusters with this broker, so that user gets a
                // password nobody knows, new at every start.
                .setClusterPassword(PasswordFile.generate());
        configuration.registerBrokerPlugin(bodyLimits);
        try {
            configuration.addAcceptorConfiguration(CORE_ACCEPTOR, url() + "?protocols=CORE");
            configuration.addAcceptorConfiguration(AMQP_ACCEPTOR, "tcp://" + host + ":" + amqpPort + "?protocols=AMQP");
        } catch (Exception e) {
            throw new IllegalStateException("Invalid embedded broker address " + url() + " or " + amqpUrl(), e);
        }
        // Artemis's own defaults (its broker.xml): what the broker gives up redelivering, or what
        // expires, is kept on a queue an operator sees (listed as parked), never dropped. Without
        // them every queue warns at every change of settings (AMQ222165, AMQ222166), rightly.
        configuration.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(StreamAddresses.BROKER_DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(StreamAddresses.BROKER_EXPIRY)));
        redeliveredWithBackoff.forEach((address, deadLetters) ->
                configuration.addAddressSetting(address, backoff(deadLetters)));
        configuration.putSecurityRoles("#", roles("#"));
        publishedAddresses.keySet().forEach(address -> configuration.putSecurityRoles(address, roles(address)));
        // The stream and the addresses beside it, each carrying one kind of message: declared
        // rather than left to auto-creation, so that they exist before the first message needs them.
        for (String address : List.of(StreamAddresses.EVENTS, StreamAddresses.PARKED, StreamAddresses.ROUTES_PARKED,
                StreamAddresses.DEAD_RUNS, StreamAddresses.BROKER_DEAD_LETTERS, StreamAddresses.BROKER_EXPIRY)) {
            configuration.addQueueConfiguration(QueueConfiguration.of(address)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        return configuration;
    }

    /** The hub may do anything anywhere; an address's publishers may only send to it. */
    private static Set<Role> roles(String address) {
        Role hub = new Role();
        hub.setName(HUB_ROLE);
        hub.setSend(true);
        hub.setConsume(true);
        hub.setBrowse(true);
        hub.setCreateAddress(true);
        hub.setDeleteAddress(true);
        hub.setCreateDurableQueue(true);
        hub.setDeleteDurableQueue(true);
        hub.setCreateNonDurableQueue(true);
        hub.setDeleteNonDurableQueue(true);
        hub.setManage(true);
        hub.setView(true);
        hub.setEdit(true);
        String publisherRole = publishedAddresses.get(address);
        if (publisherRole == null) {
            return Set.of(hub);
        }
        Role publisher = new Role();
        publisher.setName(publisherRole);
        publisher.setSend(true);
        return Set.of(hub, publisher);
    }

    private static String publisherRole(String user) {
        return "publisher:" + user;
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
}
