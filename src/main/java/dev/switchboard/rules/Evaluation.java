package dev.switchboard.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the rules made of one event: the rules that matched, with their model results and each
 * action's rendered body (or why it could not be rendered), and the rules that could not be
 * evaluated at all.
 */
public record Evaluation(List<Match> matches, List<String> failures, List<String> declinedByModel,
        List<String> modelsAsked) {

    /**
     * @param declinedByModel the rules that took the event but a required model said no to
     * @param modelsAsked     every model a rule ran for the event, whatever it answered, sorted
     */
    public Evaluation {
    }

    /** Matches and failures alone, where no model was asked. */
    public Evaluation(List<Match> matches, List<String> failures) {
        this(matches, failures, List.of(), List.of());
    }

    public record Match(Rule rule, Map<String, Map<String, Object>> models, List<PlannedAction> actions) {
    }

    /** An action with its body rendered, or {@code error} saying why it could not be. */
    public record PlannedAction(RuleAction action, String body, String error) {
    }

    /** The matches and failures among these verdicts; a rule that said no is neither. */
    public static Evaluation of(List<Verdict> verdicts) {
        List<Match> matches = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> declined = new ArrayList<>();
        java.util.SortedSet<String> asked = new java.util.TreeSet<>();
        for (Verdict verdict : verdicts) {
            asked.addAll(verdict.models().keySet());
            if (verdict.outcome() == Verdict.Outcome.MODEL_SAID_NO || verdict.outcome() == Verdict.Outcome.MODEL_FAILED) {
                // Models run in the order required, and a verdict keeps those that passed: the next said no or failed.
                asked.add(verdict.rule().require().get(verdict.models().size()));
            }
            switch (verdict.outcome()) {
                case MATCHED -> matches.add(new Match(verdict.rule(), verdict.models(), verdict.actions()));
                case CONDITION_FAILED, MODEL_FAILED -> failures.add("rule " + verdict.rule().id() + ": " + verdict.reason());
                case MODEL_SAID_NO -> declined.add(verdict.rule().id());
                default -> {
                }
            }
        }
        return new Evaluation(List.copyOf(matches), List.copyOf(failures), List.copyOf(declined), List.copyOf(asked));
    }

    public List<String> matchedRuleIds() {
        return matches.stream().map(match -> match.rule().id()).toList();
    }
}
