package dev.switchboard.rules;

import java.util.List;
import java.util.Map;

/**
 * Why one rule did or did not fire for one event, in the order the rule is judged: its event
 * types, its source, its condition, its SQL models. A dry run shows one per rule, so that a rule
 * that stays silent says which step said no and on what.
 *
 * @param reason in words, for a person: the condition and the values of the fields it names, the
 *        model and what it answered; empty for a match
 * @param models the results of the models that were run (all of them for a match)
 * @param actions each action with its rendered body, for a match; empty otherwise
 */
public record Verdict(Rule rule, Outcome outcome, String reason, Map<String, Map<String, Object>> models,
        List<Evaluation.PlannedAction> actions) {

    public enum Outcome {
        MATCHED,
        /** None of the rule's {@code on:} globs takes the event's type. */
        OTHER_TYPE,
        /** The rule names another {@code source:}. */
        OTHER_SOURCE,
        CONDITION_FALSE,
        /** The condition could not be evaluated on this event. */
        CONDITION_FAILED,
        /** A required model answered no row or a first column that is not true. */
        MODEL_SAID_NO,
        /** A required model could not be run. */
        MODEL_FAILED
    }

    public boolean matched() {
        return outcome == Outcome.MATCHED;
    }

    static Verdict no(Rule rule, Outcome outcome, String reason, Map<String, Map<String, Object>> models) {
        return new Verdict(rule, outcome, reason, Map.copyOf(models), List.of());
    }
}
