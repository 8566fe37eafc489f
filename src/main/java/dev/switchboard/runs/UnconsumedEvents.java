package dev.switchboard.runs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.switchboard.core.Durations;
import dev.switchboard.core.StartupGate;
import dev.switchboard.core.ThrottledWarning;

/**
 * Events still RECEIVED long after they were accepted are judged here, by the hub itself: their
 * stream message was lost (a broker's journal gone, an external broker's dead-letter address) or
 * is very far behind, and nobody should have to notice and reprocess them by hand. Judged as
 * {@link Reprocessing} judges them, so a stream message that comes after all is a copy the consumer
 * skips, and a run is never created twice; replicas sweeping at once judge each event once.
 * <p>
 * The hub waits {@link #AFTER} (twice the grace an operator's reprocess waits): a backlog the
 * stream is still working through is left to it.
 */
@ApplicationScoped
public class UnconsumedEvents {

    private static final Logger LOG = Logger.getLogger(UnconsumedEvents.class);

    /** How long an event stays RECEIVED before the hub judges it without its stream message. */
    public static final Duration AFTER = Reprocessing.RECEIVED_GRACE.multipliedBy(2);

    /** Events judged at most per sweep: a large loss is worked through a sweep at a time. */
    private static final int LIMIT = 1_000;

    private final ThrottledWarning warning = new ThrottledWarning("Events left RECEIVED cannot be judged now");

    @Inject
    Reprocessing reprocessing;

    @Inject
    StartupGate gate;

    @Scheduled(every = "${switchboard.runs.unconsumed-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (!gate.isOpen()) {
            return;
        }
        try {
            Reprocessing.Summary judged = reprocessing.reprocess(new EventLog.Selection(List.of(EventState.RECEIVED),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(OffsetDateTime.now().minus(AFTER)),
                    Optional.empty()), Optional.empty(), LIMIT);
            int recorded = judged.processed() + judged.ignored() + judged.failed();
            if (recorded > 0) {
                LOG.warnf("%d event(s) RECEIVED for over %s without their stream message were judged here (%d with"
                        + " runs, %d ignored, %d failed): the message was lost, or is far behind and will be skipped",
                        recorded, Durations.format(AFTER), judged.processed(), judged.ignored(), judged.failed());
            }
        } catch (RuntimeException e) {
            // A model's database or the hub's own is away: the next sweep tries again.
            warning.log(e);
        }
    }
}
