package dev.switchboard.rules;

import java.util.List;

/**
 * A CDI event: a reload of rules, models and port bindings was rejected, and the previous set
 * stays active. Fired for ops (which counts it) so that rules need not know who watches.
 */
public record RulesRejected(List<RuleLoadError> problems) {
}
