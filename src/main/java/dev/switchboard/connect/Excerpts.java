package dev.switchboard.connect;

/** Downstream responses are kept as short excerpts: enough to see why, never a whole payload. */
public final class Excerpts {

    public static final int MAX = 2000;

    /**
     * How many bytes of a response a connector reads at most; the rest is never read. More than
     * {@link #MAX} characters take in any encoding, so a body cut here still shows as cut.
     */
    public static final int READ_LIMIT = 64 * 1024;

    private Excerpts() {
    }

    public static String of(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= MAX ? text : text.substring(0, MAX) + "…";
    }
}
