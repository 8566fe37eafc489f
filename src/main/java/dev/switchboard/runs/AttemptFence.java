package dev.switchboard.runs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lets each claimed attempt start once in this replica. A claim hands out an attempt number that
 * no other claim ever gets (the claim increments it), so an attempt key seen before is a copy
 * handed out twice: it is dropped before it calls downstream, without holding a database
 * connection or transaction across the call. Remembers the last {@code capacity} attempts; other
 * replicas never see this replica's attempt numbers, as their claims take new ones.
 */
final class AttemptFence {

    private final Map<String, Boolean> started;

    AttemptFence(int capacity) {
        this.started = new LinkedHashMap<>(capacity, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time an attempt key is seen: that caller may run it. */
    synchronized boolean begin(String attemptKey) {
        return started.putIfAbsent(attemptKey, Boolean.TRUE) == null;
    }
}
