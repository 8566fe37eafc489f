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
import dev.switchboard.runs.DeadLetters;
import dev.switchboard.stream.StreamAddresses;

/**
 * The dead-letter queues known to the hub:
 * <ul>
 * <li>{@value StreamAddresses#DEAD_LETTERS}: stream messages that are not a readable CloudEvent, and the
 * messages user routes park through {@code direct:switchboard-dead-letter}. Neither has a place
 * to be replayed to (an unreadable envelope stays unreadable; a route's input is not known to
 * the hub), so they can only be discarded. The letters {@link DeadLetters} sends there for DEAD
 * runs are left out: those runs are replayed as runs ({@code /api/runs?state=DEAD}).</li>
 * <li>each queue source's dead-letter address: replayed to the source's address, where the
 * source reads the message again. A topic source's messages are not replayable: sent to the
 * topic again they would reach every other subscriber as well.</li>
 * </ul>
 */
@ApplicationScoped
public class DeadLetterQueues {

    /** Leaves out the letters of DEAD runs (they carry the run's id in this property). */
    static final String NOT_A_RUN = DeadLetters.RUN + " IS NULL";

    private final List<DeadLetterQueue> queues;

    @Inject
    public DeadLetterQueues(QueueSources sources) {
        List<DeadLetterQueue> known = new ArrayList<>();
        known.add(new DeadLetterQueue(StreamAddresses.DEAD_LETTERS, "Stream messages that are not a readable event,"
                + " and messages user routes parked", StreamAddresses.EVENTS, Optional.empty(), NOT_A_RUN));
        sources.all().values().stream().sorted(Comparator.comparing(QueueSource::name)).forEach(source ->
                known.add(new DeadLetterQueue(source.deadLetterAddress(), "Messages the queue source "
                        + source.name() + " could not read", source.address(),
                        source.destination() == Destination.QUEUE ? Optional.of(source.address()) : Optional.empty(),
                        null)));
        this.queues = List.copyOf(known);
    }

    public List<DeadLetterQueue> all() {
        return queues;
    }

    public Optional<DeadLetterQueue> named(String name) {
        return queues.stream().filter(queue -> queue.name().equals(name)).findFirst();
    }
}
