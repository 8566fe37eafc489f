package dev.switchboard.core;

/**
 * The one way the hub turns an exception into words for a log line, an API answer or a reload's
 * errors: libraries (Camel, the YAML and expression parsers, the database driver) wrap the
 * failure that says something in layers that do not.
 */
public final class Failures {

    private Failures() {
    }

    /** The innermost cause of {@code error} ({@code error} itself when it has none). */
    public static Throwable root(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The innermost cause as {@code SimpleClassName: message}. */
    public static String rootWithType(Throwable error) {
        Throwable root = root(error);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /**
     * Every message along the cause chain that adds something, outermost first, joined by
     * {@code ": "}; the exception's simple class name when none says anything.
     */
    public static String messages(Throwable error) {
        StringBuilder reason = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !reason.toString().contains(cause.getMessage())) {
                reason.append(reason.isEmpty() ? "" : ": ").append(cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return reason.isEmpty() ? error.getClass().getSimpleName() : reason.toString();
    }
}
