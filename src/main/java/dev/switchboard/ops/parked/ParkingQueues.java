package dev.switchboard.ops.parked;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.ingest.QueueSource;
import dev.switchboard.ingest.QueueSources;
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
 * <li>each queue source's dead-letter address: replayed to the source's address, where the
 * source reads the message again. A topic source's messages are not replayable: sent to the
 * topic again they would reach every other subscriber as well.</li>
 * </ul>
 * The letters of DEAD runs ({@value StreamAddresses#DEAD_RUNS}) are not parked messages: those runs
 * are replayed as runs ({@code /api/runs?state=DEAD}).
 */
@ApplicationScoped
public class ParkingQueues {

    private final List<ParkingQueue> queues;

    @Inject
    public ParkingQueues(QueueSources sources) {
        List<ParkingQueue> known = new ArrayList<>();
        known.add(new ParkingQueue(StreamAddresses.PARKED, "Stream messages that are not a readable event",
                StreamAddresses.EVENTS, Optional.empty()));
        known.add(new ParkingQueue(StreamAddresses.ROUTES_PARKED, "Messages user routes parked", "user routes",
                Optional.empty()));
        sources.all().values().stream().sorted(Comparator.comparing(QueueSource::name)).forEach(source ->
                known.add(new ParkingQueue(source.deadLetterAddress(), "Messages the queue source "
                        + source.name() + " could not read", source.address(),
                        source.destination() == Destination.QUEUE ? Optional.of(source.address()) : Optional.empty())));
        this.queues = List.copyOf(known);
    }

    public List<ParkingQueue> all() {
        return queues;
    }

    public Optional<ParkingQueue> named(String name) {
        return queues.stream().filter(queue -> queue.name().equals(name)).findFirst();
    }
}
