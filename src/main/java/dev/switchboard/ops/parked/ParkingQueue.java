package dev.switchboard.ops.parked;

import java.util.Optional;

import dev.switchboard.core.ExchangeKeys;

/**
 * A broker queue the hub parks messages on, with a reason in {@value ExchangeKeys#PARKED_REASON}.
 *
 * @param name        the parking address (and its anycast queue)
 * @param description what is parked here, in words
 * @param from        the address its messages came from (a route's messages name their route)
 * @param replayTo  where a replayed message goes; empty where no target would read it differently
 * @param selector  which of its messages are the hub's (null: all); a dead-letter queue an
 *                  external broker shares with other applications is read through one
 */
public record ParkingQueue(String name, String description, String from, Optional<String> replayTo, String selector) {

    public ParkingQueue(String name, String description, String from, Optional<String> replayTo) {
        this(name, description, from, replayTo, null);
    }

    public boolean replayable() {
        return replayTo.isPresent();
    }
}
