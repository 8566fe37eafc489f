package dev.switchboard.connect;

/** Downstream responses are kept as short excerpts: enough to see why, never a whole payload. */
public final class Excerpts {

    public static final int MAX = 2000;

    private Excerpts() {
    }

    public static String of(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= MAX ? text : text.substring(0, MAX) + "…";
    }
}
