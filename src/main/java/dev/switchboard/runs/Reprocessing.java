package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.cloudevents.CloudEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;

import dev.switchboard.core.Durations;
import dev.switchboard.core.StartupGate;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.stream.Envelopes;

/**
 * Judges events recorded IGNORED or FAILED again, by the rules loaded now: an event the rules
 * passed over (no rule for it yet, a model that failed, a hub that once consumed before its rules
 * had loaded) gets the runs it asks for today. Only runs that do not exist are created: a run's id
 * is derived from (event, rule, action), so a run planned before, or by a second reprocess, is
 * found already there, and a downstream is never called twice for one action of one event.
 *
 * <p>As on the stream, the rules (and their SQL models) are read outside any transaction; one
 * transaction then records each event's new state, only if it still has the state it was read
 * with, and its new runs. PROCESSED events are not judged again: their actions were planned by
 * the rules in force when they came. A RECEIVED event is judged only once it has waited longer
 * than {@link #RECEIVED_GRACE}: then its stream message was lost (a broker's journal gone) or is
 * far behind, and judging it here is safe either way: the same transaction marks its message seen
 * on the stream, so that a message consumed later is skipped as a copy.
 */
@ApplicationScoped
public class Reprocessing {

    /** The states an event can be judged again in (RECEIVED only past {@link #RECEIVED_GRACE}). */
    public static final Set<EventState> STATES = EnumSet.of(EventState.IGNORED, EventState.FAILED,
            EventState.RECEIVED);

    /** How long a RECEIVED event is taken to be on its way through the stream, not to be judged here. */
    public static final Duration RECEIVED_GRACE = Duration.ofMinutes(10);

    /** Events read, judged and recorded together in a bulk reprocess. */
    private static final int PAGE = 100;

    @Inject
    EventLog events;

    @Inject
    RunLedger ledger;

    @Inject
    RuleEvaluator evaluator;

    @Inject
    StartupGate gate;

    @Inject
    RunDispatcher dispatcher;

    @Inject
    @Named("streamMessages")
    DatabaseIdempotentRepository streamMessages;

    @Inject
    RunMetrics metrics;

    /** What one event became: its state before and now, the rules that matched, and the runs created. */
    public record Outcome(UUID event, EventState was, EventState state, List<String> matchedRules, String error,
            int runsCreated) {
    }

    /**
     * What a bulk reprocess did. {@code next} is the last event judged when the limit was reached
     * (there may be more: pass it as {@code after}); null when the selection was exhausted.
     */
    public record Summary(int evaluated, int processed, int ignored, int failed, int skipped, int runsCreated,
            UUID next) {
    }

    /**
     * Judges one event again.
     *
     * @throws ReprocessRefused for an unknown event, one that is not IGNORED or FAILED (or RECEIVED
     *         past {@link #RECEIVED_GRACE}, or changed while it was judged), before the rules have loaded or while a model's
     *         database cannot be reached
     */
    public Outcome reprocess(UUID id) {
        requireRules();
        EventLog.Stored stored = events.find(id).orElseThrow(() -> new ReprocessRefused(
                ReprocessRefused.Reason.NO_SUCH_EVENT, "No event " + id));
        if (!STATES.contains(stored.state())) {
            throw notReprocessable(id, stored.state());
        }
        if (onItsWay(stored)) {
            throw new ReprocessRefused(ReprocessRefused.Reason.NOT_REPROCESSABLE, "Event " + id + " is RECEIVED since "
                    + stored.receivedAt() + ": it is on its way through the stream; a RECEIVED event is judged"
                    + " again once it has waited " + Durations.format(RECEIVED_GRACE));
        }
        List<Optional<Outcome>> outcomes = judgeAndRecord(List.of(stored));
        return outcomes.get(0).orElseThrow(() -> new ReprocessRefused(ReprocessRefused.Reason.CHANGED, "Event " + id
                + " changed while it was judged again; look at it and try again"));
    }

    /**
     * Judges again, oldest first, up to {@code limit} events of the selection (whose states must be
     * among {@link #STATES}), those after the event {@code after} when one is named.
     *
     * @throws ReprocessRefused when {@code after} names no event, before the rules have loaded, or
     *         when a model's database cannot be reached (the events judged until then stay
     *         recorded; the detail says where to go on)
     */
    public Summary reprocess(EventLog.Selection selection, Optional<UUID> after, int limit) {
        requireRules();
        Optional<EventLog.Position> start = after.map(id -> events.find(id).map(EventLog.Stored::position)
                .orElseThrow(() -> new ReprocessRefused(ReprocessRefused.Reason.NO_SUCH_AFTER, "after: no event " + id)));
        selection = selection.startingAfter(start);
        int looked = 0;
        int evaluated = 0;
        int[] byState = new int[EventState.values().length];
        int skipped = 0;
        int created = 0;
        EventLog.Selection page = selection;
        UUID last = null;
        // The limit bounds the events looked at, those skipped as on their way included.
        while (looked < limit) {
            List<EventLog.Stored> selected = events.select(page, Math.min(PAGE, limit - looked));
            if (selected.isEmpty()) {
                return summary(evaluated, byState, skipped, created, null);
            }
            List<EventLog.Stored> batch = selected.stream().filter(stored -> !onItsWay(stored)).toList();
            skipped += selected.size() - batch.size();
            List<Optional<Outcome>> outcomes;
            try {
                outcomes = batch.isEmpty() ? List.of() : judgeAndRecord(batch);
            } catch (ReprocessRefused unavailable) {
                throw new ReprocessRefused(unavailable.reason(), unavailable.getMessage()
                        + " (" + evaluated + " event(s) were judged again before; to go on, send the same request"
                        + (last == null ? "" : " with \"after\": \"" + last + "\"") + ")");
            }
            for (Optional<Outcome> outcome : outcomes) {
                if (outcome.isPresent()) {
                    byState[outcome.get().state().ordinal()]++;
                    created += outcome.get().runsCreated();
                } else {
                    skipped++;
                }
            }
            looked += selected.size();
            evaluated += batch.size();
            EventLog.Stored lastSelected = selected.get(selected.size() - 1);
            last = lastSelected.id();
            page = selection.startingAfter(Optional.of(lastSelected.position()));
        }
        // The limit was reached: there may be more.
        return summary(evaluated, byState, skipped, created, last);
    }

    private static Summary summary(int evaluated, int[] byState, int skipped, int created, UUID next) {
        return new Summary(evaluated, byState[EventState.PROCESSED.ordinal()], byState[EventState.IGNORED.ordinal()],
                byState[EventState.FAILED.ordinal()], skipped, created, next);
    }

    /** Judges the events, then records, in one transaction, those whose state did not change meanwhile. */
    private List<Optional<Outcome>> judgeAndRecord(List<EventLog.Stored> batch) {
        List<EventLog.Rejudged> judged = new ArrayList<>(batch.size());
        for (EventLog.Stored stored : batch) {
            CloudEvent event = Envelopes.deserialize(stored.envelope().getBytes(StandardCharsets.UTF_8));
            try {
                judged.add(new EventLog.Rejudged(new EventLog.Judged(event, stored.envelope(), evaluator.evaluate(event)),
                        stored.state()));
            } catch (ModelRunner.ModelException e) {
                // Transient (the stream would retry the event): nothing is recorded for this batch.
                throw new ReprocessRefused(ReprocessRefused.Reason.MODEL_UNAVAILABLE, "A model could not be run: "
                        + e.getMessage());
            }
        }
        List<Optional<Outcome>> outcomes = QuarkusTransaction.requiringNew().call(() -> {
            boolean[] recorded = events.recordRejudged(judged);
            List<EventLog.Rejudged> changed = new ArrayList<>();
            List<String> received = new ArrayList<>();
            for (int i = 0; i < judged.size(); i++) {
                if (recorded[i]) {
                    changed.add(judged.get(i));
                    if (judged.get(i).was() == EventState.RECEIVED) {
                        received.add(judged.get(i).judged().event().getId());
                    }
                }
            }
            // Its stream message, should it come after all, is then a copy the consumer skips:
            // judged twice, by rules reloaded in between, it could ask for other runs.
            if (!received.isEmpty()) {
                streamMessages.addAll(received);
            }
            int[] created = ledger.plan(changed.stream().map(EventLog.Rejudged::judged).toList());
            List<Optional<Outcome>> done = new ArrayList<>(judged.size());
            for (int i = 0, c = 0; i < judged.size(); i++) {
                done.add(recorded[i] ? Optional.of(outcome(judged.get(i), created[c++])) : Optional.empty());
            }
            return done;
        });
        outcomes.forEach(outcome -> outcome.ifPresent(done -> metrics.reprocessed(done.state().name().toLowerCase())));
        if (outcomes.stream().anyMatch(outcome -> outcome.map(Outcome::runsCreated).orElse(0) > 0)) {
            dispatcher.wakeUp();
        }
        return outcomes;
    }

    private static Outcome outcome(EventLog.Rejudged rejudged, int created) {
        EventLog.Judged judged = rejudged.judged();
        List<String> failures = judged.evaluation().failures();
        return new Outcome(UUID.fromString(judged.event().getId()), rejudged.was(), judged.state(),
                judged.evaluation().matchedRuleIds(), failures.isEmpty() ? null : String.join("; ", failures), created);
    }

    /** A RECEIVED event that has not waited {@link #RECEIVED_GRACE} yet, on the database's clock. */
    private static boolean onItsWay(EventLog.Stored stored) {
        return stored.state() == EventState.RECEIVED && stored.waited().compareTo(RECEIVED_GRACE) < 0;
    }

    private void requireRules() {
        if (!gate.isOpen()) {
            throw new ReprocessRefused(ReprocessRefused.Reason.RULES_NOT_LOADED,
                    "Events cannot be judged again before the rules have loaded: " + gate.reason());
        }
    }

    private static ReprocessRefused notReprocessable(UUID id, EventState state) {
        return new ReprocessRefused(ReprocessRefused.Reason.NOT_REPROCESSABLE, "Event " + id + " is " + state
                + "; only IGNORED and FAILED events, and RECEIVED ones older than "
                + Durations.format(RECEIVED_GRACE) + ", can be judged again");
    }
}
