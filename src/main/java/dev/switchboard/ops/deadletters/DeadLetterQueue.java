package dev.switchboard.ops.deadletters;

import java.util.Optional;

/**
 * A broker queue the hub parks messages on, with a reason in {@code SwitchboardDeadReason}.
 *
 * @param name        the dead-letter address (and its anycast queue)
 * @param description what is parked here, in words
 * @param from        the address its messages came from (a route's messages name their route)
 * @param replayTo  where a replayed message goes; empty where no target would read it differently
 * @param selector  which of its messages are parked messages (null: all)
 */
public record DeadLetterQueue(String name, String description, String from, Optional<String> replayTo, String selector) {

    public boolean replayable() {
        return replayTo.isPresent();
    }
}
