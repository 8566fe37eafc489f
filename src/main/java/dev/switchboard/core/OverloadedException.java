package dev.switchboard.core;

/** A stage of the pipeline is full (or stopping) and took nothing: the caller should refuse, not wait. */
public class OverloadedException extends RuntimeException {

    public OverloadedException(String message) {
        super(message);
    }
}
