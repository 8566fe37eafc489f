package dev.switchboard.ops.api;

/** Who may do what in the admin API. */
public final class Roles {

    /** Reads events, runs, rules and bindings. */
    public static final String VIEWER = "viewer";
    /** Also replays and discards runs, and reloads rules. */
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}
