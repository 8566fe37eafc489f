package dev.switchboard.runs;

/**
 * An event could not be judged again, and why; nothing of it was recorded. The API answers each
 * reason with its problem document (ops.api.ProblemMapper), and this layer knows nothing of HTTP.
 */
public class ReprocessRefused extends RuntimeException {

    public enum Reason {
        /** No such event. */
        NO_SUCH_EVENT,
        /** Its state is not one that is judged again (PROCESSED, or RECEIVED and on its way). */
        NOT_REPROCESSABLE,
        /** It changed while it was judged; judging it again may work. */
        CHANGED,
        /** The filter's {@code after} names no event. */
        NO_SUCH_AFTER,
        /** The rules have not loaded yet: try again shortly. */
        RULES_NOT_LOADED,
        /** A model's database could not be reached: try again shortly. */
        MODEL_UNAVAILABLE
    }

    private final Reason reason;

    public ReprocessRefused(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
