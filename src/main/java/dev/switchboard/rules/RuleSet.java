package dev.switchboard.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A complete, valid set of rules and models, as loaded at one moment. Immutable. */
public record RuleSet(List<Rule> rules, Map<String, SqlModel> models, Instant loadedAt) {

    public static final RuleSet EMPTY = new RuleSet(List.of(), Map.of(), Instant.EPOCH);

    public List<Rule> taking(String type, String source) {
        List<Rule> taking = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.takes(type, source)) {
                taking.add(rule);
            }
        }
        return taking;
    }
}
