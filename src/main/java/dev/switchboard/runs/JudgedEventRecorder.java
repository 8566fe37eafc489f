package dev.switchboard.runs;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.cloudevents.CloudEvent;

import dev.switchboard.rules.Evaluation;

/** Records, in the caller's transaction, one event's outcome and the runs it asks for (a route's call). */
@ApplicationScoped
public class JudgedEventRecorder {

    @Inject
    EventLog eventLog;

    @Inject
    RunLedger ledger;

    @Inject
    RunMetrics metrics;

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(CloudEvent event, String envelope, Evaluation evaluation) {
        EventLog.Judged judged = new EventLog.Judged(event, envelope, evaluation);
        eventLog.recordJudged(List.of(judged));
        ledger.plan(List.of(judged));
        metrics.event(event.getSource().toString(), judged.state().name().toLowerCase());
    }
}
