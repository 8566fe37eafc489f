package dev.switchboard.runs;

import java.util.UUID;

/**
 * A CDI event: the letter of a run that went DEAD has been sent (at least once per DEAD run, from
 * the outbox of {@link DeadLetters}, inside its transaction). Fired for ops, which raises an
 * alert, so that runs need not know who watches.
 */
public record RunDied(UUID run, String rule, String action, String port, String reason) {
}
