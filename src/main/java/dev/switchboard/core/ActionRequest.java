package dev.switchboard.core;

import java.util.Optional;

/**
 * One attempt of an action run, as a connector receives it. The idempotency key is the same for
 * every attempt and every replay of the run: send it downstream so the system can drop repeats.
 */
public record ActionRequest(
        String port,
        Optional<String> operation,
        String body,
        String idempotencyKey,
        int attempt,
        PortSettings settings,
        EventDocument event) {
}
