package dev.switchboard.rules;

import java.time.Duration;
import java.util.Optional;

import dev.switchboard.core.Template;

/** An action of a rule: a call on a port, with a body template and optional retry settings. */
public record RuleAction(
        String id,
        int line,
        String port,
        Optional<String> operation,
        Template body,
        Optional<Integer> maxAttempts,
        Optional<Duration> initialDelay,
        Optional<Duration> maxDelay) {
}
