package dev.switchboard.core;

/**
 * An operator asked to replay a run that cannot be replayed as it stands (its body cannot be
 * rendered); the run stays as it was. The message says why. The API answers it with a 409, the
 * dashboard with the message on the page.
 */
public class ReplayRefusedException extends RuntimeException {

    public ReplayRefusedException(String message) {
        super(message);
    }
}
