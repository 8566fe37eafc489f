package dev.switchboard.core;

import java.time.Duration;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Durations in rule files and port settings, in the form Quarkus reads its own configuration
 * ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}, ISO-8601 {@code PT1M}), so one
 * syntax holds across {@code application.properties} and rules. A bare number, which Quarkus reads
 * as seconds, is refused: {@code retention.events=30} meant days, and purged the month's events
 * and duplicate keys within a minute.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parsed by Quarkus's {@link DurationConverter}; refused here when empty or negative, which
     * Quarkus accepts but no timeout or retry delay can mean.
     *
     * @throws IllegalArgumentException when the text is not such a duration
     */
    public static Duration parse(String text) {
        if (isBareNumber(text)) {
            throw new IllegalArgumentException(bareNumberProblem(text));
        }
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(text);
        } catch (IllegalArgumentException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 1s, 5m or 2h");
        }
        return duration;
    }

    /** A number without a unit ({@code 30}, {@code 1.5}), which Quarkus would read as seconds; 0 means the same in any unit. */
    public static boolean isBareNumber(String text) {
        return text != null && text.strip().matches("[+]?[0-9]+(\\.[0-9]+)?") && !text.strip().matches("[+]?0+(\\.0+)?");
    }

    /** Why {@code text}, a bare number, is not taken as a duration. */
    public static String bareNumberProblem(String text) {
        String number = text.strip();
        return "'" + number + "' needs a unit, such as " + number + "s, " + number + "m, " + number + "h or " + number + "d";
    }

    /** The duration as it would be written: {@code 1h}, {@code 90s}, {@code 250ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds == 0 || seconds % 60 != 0) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes % 60 != 0) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        return hours % 24 == 0 ? hours / 24 + "d" : hours + "h";
    }
}
