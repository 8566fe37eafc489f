package dev.switchboard.ingest.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.ingest.QueueSource;
import dev.switchboard.ingest.QueueSources;
import dev.switchboard.stream.StreamAddresses;

/**
 * The external broker's settings for the addresses the hub consumes: the stream and every queue
 * source. A consumer rolls a message back while the database is down; with Artemis's defaults (no
 * redelivery delay, ten attempts) a few seconds of outage then moves the message to a dead-letter
 * address nothing consumes, and its event never leaves {@code RECEIVED}. So at startup in external
 * mode the hub reads these settings through the broker's management address and refuses to start,
 * one line per address naming the setting and the broker.xml that fixes it, unless each address
 * keeps redelivering, with a delay, for longer than {@code switchboard.broker.outlast-outage}.
 *
 * <p>The hub does not set them itself: address settings made through management are lost at the
 * broker's next restart unless its configuration says the same, and a broker shared with other
 * applications is its operator's to configure. The embedded broker needs no check: the hub
 * configures it (see {@link EmbeddedBroker#redeliverWithBackoff}).
 */
@ApplicationScoped
public class BrokerAddressSettings {

    private static final Logger LOG = Logger.getLogger(BrokerAddressSettings.class);

    /** How long an unreachable broker is asked again before the hub refuses to start. */
    static final Duration UNREACHABLE_WAIT = Duration.ofSeconds(60);

    /** The property Artemis gives a dead-lettered message: the address it was sent to. */
    static final String ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";

    /**
     * Where the broker moves messages of {@code origins} it gave up on.
     *
     * @param queue    the queue to browse; {@code address::queue} when Artemis creates one per origin
     * @param origins  the hub's addresses whose messages end there
     * @param selector which of the queue's messages came from them; null: all do
     */
    public record DeadLetterQueue(String queue, List<String> origins, String selector) {
    }

    private final ConnectionFactory broker;
    private final BrokerConfig config;
    private final QueueSources sources;

    /** Each consumed address's settings as read at startup; empty when they were not read. */
    private volatile Map<String, AddressSettings> read = Map.of();

    @Inject
    public BrokerAddressSettings(ConnectionFactory broker, BrokerConfig config, QueueSources sources) {
        this.broker = broker;
        this.config = config;
        this.sources = sources;
    }

    void check(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        if (EmbeddedBroker.isRunning()) {
            return;
        }
        if (!config.checkAddressSettings()) {
            LOG.warnf("The external broker's address settings are not checked (switchboard.broker."
                    + "check-address-settings=false): make sure %s and every queue source's address keep redelivering"
                    + " during a database outage, or their messages go to a dead-letter address", StreamAddresses.EVENTS);
            return;
        }
        List<String> problems = verify();
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
    }

    /**
     * Reads the settings of every address the hub consumes and says, one line each, which would give
     * up on a message during an outage of {@code switchboard.broker.outlast-outage}. A broker user that
     * may not use management is one such line, naming the permission.
     */
    public List<String> verify() {
        Map<String, AddressSettings> settings = null;
        // A replica may start while its broker fails over to the backup: an unreachable broker is
        // asked again for a while before the hub gives up starting.
        long deadline = System.nanoTime() + UNREACHABLE_WAIT.toNanos();
        while (settings == null) {
            try {
                settings = BrokerManagement.addressSettings(broker, config.managementAddress(), consumedAddresses());
            } catch (BrokerManagement.NotPermitted e) {
                return List.of("Cannot check the external broker's address settings: " + e.getMessage() + ". Grant the"
                        + " hub's broker user that permission (<security-setting match=\"" + config.managementAddress()
                        + "\"><permission type=\"manage\" roles=\"...\"/>), or set"
                        + " switchboard.broker.check-address-settings=false and check the settings yourself.");
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    return List.of("Cannot check the external broker's address settings (tried for "
                            + UNREACHABLE_WAIT.toSeconds() + " s): " + e.getMessage());
                }
                LOG.debugf("Broker not answering yet: %s", e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return List.of("Cannot check the external broker's address settings: interrupted");
                }
            }
        }
        read = Collections.unmodifiableMap(settings);
        List<String> problems = new ArrayList<>();
        settings.forEach((address, info) -> Redelivery.of(address, info).problem(config.outlastOutage())
                .ifPresent(problems::add));
        return problems;
    }

    /**
     * The broker's dead-letter queues of the hub's addresses, as read at startup, whatever their names;
     * empty on the embedded broker (its addresses never give up) or when the check is off.
     */
    public List<DeadLetterQueue> deadLetterQueues() {
        Map<String, List<String>> originsByQueue = new LinkedHashMap<>();
        Map<String, Boolean> sharedByQueue = new LinkedHashMap<>();
        read.forEach((origin, info) -> {
            String address = Optional.ofNullable(info.getDeadLetterAddress()).map(Object::toString).orElse("");
            if (address.isBlank()) {
                return;
            }
            // Auto-created dead-letter resources: one queue per origin on the dead-letter address,
            // named prefix + origin + suffix. Otherwise the address's own queue, which other
            // applications' addresses may share: only this hub's messages are its business.
            boolean perOrigin = info.isAutoCreateDeadLetterResources();
            String queue = perOrigin ? address + "::" + Objects.toString(info.getDeadLetterQueuePrefix(), "")
                    + origin + Objects.toString(info.getDeadLetterQueueSuffix(), "") : address;
            originsByQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(origin);
            sharedByQueue.put(queue, !perOrigin);
        });
        return originsByQueue.entrySet().stream().map(entry -> new DeadLetterQueue(entry.getKey(),
                List.copyOf(entry.getValue()), sharedByQueue.get(entry.getKey()) ? ORIGINAL_ADDRESS + " IN ("
                        + entry.getValue().stream().map(origin -> "'" + origin.replace("'", "''") + "'")
                                .collect(Collectors.joining(", ")) + ")" : null))
                .toList();
    }

    /** The stream, then each queue source's address, once each. */
    List<String> consumedAddresses() {
        List<String> addresses = new ArrayList<>();
        addresses.add(StreamAddresses.EVENTS);
        sources.all().values().stream().map(QueueSource::address).sorted().distinct()
                .filter(address -> !addresses.contains(address)).forEach(addresses::add);
        return addresses;
    }
}
