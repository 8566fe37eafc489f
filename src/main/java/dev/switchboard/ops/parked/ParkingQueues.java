package dev.switchboard.ops.parked;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.ingest.QueueSource;
import dev.switchboard.ingest.QueueSources;
import dev.switchboard.ingest.broker.BrokerAddressSettings;
import dev.switchboard.ingest.SourcesConfig.Destination;
import dev.switchboard.stream.StreamAddresses;

/**
 * The queues the hub parks broker messages on:
 * <ul>
 * <li>{@value StreamAddresses#PARKED}: stream messages that are not a readable CloudEvent;</li>
 * <li>{@value StreamAddresses#ROUTES_PARKED}: the messages user routes park through
 * {@code direct:switchboard-park}.</li>
 * </ul>
 * Neither has a place to be replayed to (an unreadable envelope stays unreadable; a route's input
 * is not known to the hub), so they can only be discarded;
 * <ul>
 * <li>each queue source's parked address: replayed to the source's address, where the
 * source reads the message again. A topic source's messages are not replayable: sent to the
 * topic again they would reach every other subscriber as well.</li>
 * </ul>
 * And on an external broker, the dead-letter queues its address settings give the stream and the
 * queue sources, whatever their names (read at startup, see {@link BrokerAddressSettings}): where
 * the broker moved messages it gave up redelivering. A queue that only the stream or one queue
 * source's (anycast) address feeds is replayed to that address; one fed by several is listed and
 * discarded from, not replayed, since one target would be wrong for the others' messages.
 * <p>
 * The letters of DEAD runs ({@value StreamAddresses#DEAD_RUNS}) are not parked messages: those runs
 * are replayed as runs ({@code /api/runs?state=DEAD}).
 */
@ApplicationScoped
public class ParkingQueues {

    private final QueueSources sources;
    private final BrokerAddressSettings broker;

    @Inject
    public ParkingQueues(QueueSources sources, BrokerAddressSettings broker) {
        this.sources = sources;
        this.broker = broker;
    }

    /** Listed anew at every call: queue sources come and go with a reload. */
    public List<ParkingQueue> all() {
        List<ParkingQueue> known = new ArrayList<>();
        known.add(new ParkingQueue(StreamAddresses.PARKED, "Stream messages that are not a readable event",
                StreamAddresses.EVENTS, Optional.empty()));
        known.add(new ParkingQueue(StreamAddresses.ROUTES_PARKED, "Messages user routes parked", "user routes",
                Optional.empty()));
        sources.all().values().stream().sorted(Comparator.comparing(QueueSource::name)).forEach(source ->
                known.add(new ParkingQueue(source.parkedAddress(), "Messages the queue source "
                        + source.name() + " could not read", source.address(),
                        source.destination() == Destination.QUEUE ? Optional.of(source.address()) : Optional.empty())));
        for (BrokerAddressSettings.DeadLetterQueue queue : broker.deadLetterQueues()) {
            if (known.stream().anyMatch(listed -> listed.name().equals(queue.queue()))) {
                continue; // one of the hub's own parking queues, already listed
            }
            String from = String.join(", ", queue.origins());
            Optional<String> replayTo = queue.origins().size() == 1 && replayable(queue.origins().get(0), sources)
                    ? Optional.of(queue.origins().get(0)) : Optional.empty();
            known.add(new ParkingQueue(queue.queue(), "Messages of " + from + " the broker gave up redelivering"
                    + " (max-delivery-attempts reached)", from, replayTo, queue.selector()));
        }
        boolean listed = known.stream().anyMatch(queue -> queue.name().equals(StreamAddresses.BROKER_DEAD_LETTERS));
        if (EmbeddedBroker.isRunning() && !listed) {
            // Fed by any address without a dead-letter address of its own: no one place to replay to.
            known.add(new ParkingQueue(StreamAddresses.BROKER_DEAD_LETTERS, "Messages the broker gave up redelivering"
                    + " (max-delivery-attempts reached)", "any address", Optional.empty()));
            known.add(new ParkingQueue(StreamAddresses.BROKER_EXPIRY, "Messages that expired before they were read",
                    "any address", Optional.empty()));
        }
        return List.copyOf(known);
    }

    /** The stream and a queue-kind source read a message sent back to their address again; a topic's other subscribers would too. */
    private static boolean replayable(String address, QueueSources sources) {
        return address.equals(StreamAddresses.EVENTS) || sources.all().values().stream()
                .anyMatch(source -> source.address().equals(address) && source.destination() == Destination.QUEUE);
    }

    public Optional<ParkingQueue> named(String name) {
        return all().stream().filter(queue -> queue.name().equals(name)).findFirst();
    }
}
