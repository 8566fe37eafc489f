package dev.switchboard.rules;

/**
 * A CDI event: a reload took effect, and these rules are in force. Fired for ops, which checks them
 * against what the hub has recorded (a source nobody sends, a field no event has) and warns.
 */
public record RulesLoaded(RuleSet rules) {
}
