package dev.switchboard.core;

/**
 * A write whose commit was not confirmed in time. It may still commit, so the caller can neither
 * report it done nor promise that nothing of it was kept; a retry under the same key finds out.
 */
public class UnconfirmedException extends RuntimeException {

    public UnconfirmedException(String message, Throwable cause) {
        super(message, cause);
    }
}
