package dev.switchboard.ops.deadletters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.ingest.QueueSource;
import dev.switchboard.ingest.QueueSources;
import dev.switchboard.ingest.SourcesConfig.Destination;
import dev.switchboard.ingest.broker.BrokerAddressSettings;
import dev.switchboard.runs.DeadLetters;
import dev.switchboard.stream.Stream;

/**
 * The dead-letter queues known to the hub:
 * <ul>
 * <li>{@value Stream#DEAD_LETTERS}: stream messages that are not a readable CloudEvent, and the
 * messages user routes park through {@code direct:switchboard-dead-letter}. Neither has a place
 * to be replayed to (an unreadable envelope stays unreadable; a route's input is not known to
 * the hub), so they can only be discarded. The letters {@link DeadLetters} sends there for DEAD
 * runs are left out: those runs are replayed as runs ({@code /api/runs?state=DEAD}).</li>
 * <li>each queue source's dead-letter address: replayed to the source's address, where the
 * source reads the message again. A topic source's messages are not replayable: sent to the
 * topic again they would reach every other subscriber as well.</li>
 * <li>on an external broker, the dead-letter queues its address settings give the stream and the
 * queue sources, whatever their names (the settings are read at startup, see
 * {@link BrokerAddressSettings}): where the broker moved messages it gave up redelivering. A queue
 * that only the stream or one queue source's (anycast) address feeds is replayed to that address;
 * one fed by several is listed and discarded from, not replayed, since one target would be wrong
 * for the others' messages.</li>
 * </ul>
 */
@ApplicationScoped
public class DeadLetterQueues {

    /** Leaves out the letters of DEAD runs (they carry the run's id in this property). */
    static final String NOT_A_RUN = DeadLetters.RUN + " IS NULL";

    private final List<DeadLetterQueue> queues;

    @Inject
    public DeadLetterQueues(QueueSources sources, BrokerAddressSettings broker) {
        List<DeadLetterQueue> known = new ArrayList<>();
        known.add(new DeadLetterQueue(Stream.DEAD_LETTERS, "Stream messages that are not a readable event,"
                + " and messages user routes parked", Stream.EVENTS, Optional.empty(), NOT_A_RUN));
        sources.all().values().stream().sorted(Comparator.comparing(QueueSource::name)).forEach(source ->
                known.add(new DeadLetterQueue(source.deadLetterAddress(), "Messages the queue source "
                        + source.name() + " could not read", source.address(),
                        source.destination() == Destination.QUEUE ? Optional.of(source.address()) : Optional.empty(),
                        null)));
        for (BrokerAddressSettings.DeadLetterQueue queue : broker.deadLetterQueues()) {
            if (known.stream().anyMatch(listed -> listed.name().equals(queue.queue()))) {
                continue; // the hub's own parking address, already listed
            }
            String from = String.join(", ", queue.origins());
            Optional<String> replayTo = queue.origins().size() == 1 && replayable(queue.origins().get(0), sources)
                    ? Optional.of(queue.origins().get(0)) : Optional.empty();
            known.add(new DeadLetterQueue(queue.queue(), "Messages of " + from + " the broker gave up redelivering"
                    + " (max-delivery-attempts reached)", from, replayTo, queue.selector()));
        }
        this.queues = List.copyOf(known);
    }

    /** The stream and a queue-kind source read a message sent back to their address again; a topic's other subscribers would too. */
    private static boolean replayable(String address, QueueSources sources) {
        return address.equals(Stream.EVENTS) || sources.all().values().stream()
                .anyMatch(source -> source.address().equals(address) && source.destination() == Destination.QUEUE);
    }

    public List<DeadLetterQueue> all() {
        return queues;
    }

    public Optional<DeadLetterQueue> named(String name) {
        return queues.stream().filter(queue -> queue.name().equals(name)).findFirst();
    }
}
