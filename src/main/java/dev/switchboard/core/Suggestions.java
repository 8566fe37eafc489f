package dev.switchboard.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean": the known name closest to a mistyped one, when it is close enough to be a typo. */
public final class Suggestions {

    private Suggestions() {
    }

    /** The closest of {@code known} within a couple of edits (fewer for short names); empty when none is. */
    public static Optional<String> closest(String typed, Collection<String> known) {
        // The last part of a dotted name alone (initial-delay for retry.initial-delay) is no typo by
        // letters, but it is one by meaning.
        Optional<String> dotted = known.stream().filter(name -> name.endsWith("." + typed)).findFirst();
        if (dotted.isPresent()) {
            return dotted;
        }
        int allowed = typed.length() <= 4 ? 1 : 2;
        return known.stream().filter(name -> !name.equals(typed))
                .map(name -> new Object[] {name, distance(typed, name)})
                .filter(pair -> (int) pair[1] <= allowed)
                .min(Comparator.comparingInt(pair -> (int) pair[1]))
                .map(pair -> (String) pair[0]);
    }

    /** {@code " (did you mean 'x'?)"}, or nothing. */
    public static String hint(String typed, Collection<String> known) {
        return closest(typed, known).map(name -> " (did you mean '" + name + "'?)").orElse("");
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
