package dev.switchboard.rules;

import java.util.List;
import java.util.Optional;

import dev.switchboard.core.Template;

/**
 * The built-in rule that sends every alert to the port {@value #PORT}, when that port is bound.
 * Alerts are events of source {@value #SOURCE} on the stream, raised by ops; their names live here,
 * below ops, so the rules can load this rule without importing who raises alerts.
 */
public final class AlertsRule {

    /** The rule's id, reserved: a rule file may not use it. */
    public static final String ID = "switchboard-alerts";
    /** The source of every alert event. */
    public static final String SOURCE = "switchboard";
    public static final String PORT = "alerts";

    static final Rule RULE = new Rule(ID, "(built in)", 0, List.of("switchboard.alert.*"),
            Optional.of(SOURCE), Optional.empty(), List.of(), List.of(new RuleAction("notify", 0, PORT,
                    Optional.empty(), Template.parse("{{data}}"), Optional.empty(), Optional.empty(),
                    Optional.empty())));

    private AlertsRule() {
    }
}
