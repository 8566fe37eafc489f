package dev.switchboard.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.cloudevents.CloudEvent;

import dev.switchboard.ops.HubMetrics;
import dev.switchboard.rules.Evaluation;

/** Records, in the stream consumer's transaction, an event's outcome and the runs it asks for. */
@ApplicationScoped
public class EventProcessor {

    @Inject
    EventLog eventLog;

    @Inject
    RunLedger ledger;

    @Inject
    HubMetrics metrics;

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(CloudEvent event, String envelope, Evaluation evaluation) {
        EventState state = eventLog.recordProcessed(event, envelope, evaluation);
        ledger.plan(event, evaluation);
        metrics.event(event.getSource().toString(), state.name().toLowerCase());
    }
}
