package dev.switchboard.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the rules made of one event: the rules that matched, with their model results and each
 * action's rendered body (or why it could not be rendered), and the rules that could not be
 * evaluated at all.
 */
public record Evaluation(List<Match> matches, List<String> failures) {

    public record Match(Rule rule, Map<String, Map<String, Object>> models, List<PlannedAction> actions) {
    }

    /** An action with its body rendered, or {@code error} saying why it could not be. */
    public record PlannedAction(RuleAction action, String body, String error) {
    }

    /** The matches and failures among these verdicts; a rule that said no is neither. */
    public static Evaluation of(List<Verdict> verdicts) {
        List<Match> matches = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            switch (verdict.outcome()) {
                case MATCHED -> matches.add(new Match(verdict.rule(), verdict.models(), verdict.actions()));
                case CONDITION_FAILED, MODEL_FAILED -> failures.add("rule " + verdict.rule().id() + ": " + verdict.reason());
                default -> {
                }
            }
        }
        return new Evaluation(List.copyOf(matches), List.copyOf(failures));
    }

    public List<String> matchedRuleIds() {
        return matches.stream().map(match -> match.rule().id()).toList();
    }
}
