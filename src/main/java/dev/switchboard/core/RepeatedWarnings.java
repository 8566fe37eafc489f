package dev.switchboard.core;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Logs a warning or error of one kind once per {@code switchboard.log.repeat-window}, not once
 * per occurrence. An outage of the database makes every refused webhook, every alert check and
 * every reconnect of the pool warn about the same thing, hundreds of lines a second (issue 12 saw
 * 4,066 pool warnings in 90 s); the first line says what is wrong, and the next one after the
 * window says how many like it were left out. INFO and below pass untouched.
 *
 * <p>A kind is the logger, the level and the message with every word that holds a digit left
 * out: a port, a transaction id, an event id or a count varies between lines that say the same
 * thing. Two alerts, two rule warnings or two different causes of a refusal are two kinds.
 * Attached to the console and file handlers in application.properties ({@code quarkus.log.console.filter});
 * its window is {@link LogConfig#repeatWindow()}, 30 s by default.
 * the same record reaching it through a second handler gets the same answer.
 */
@LoggingFilter(name = "switchboard-repeated-warnings")
public final class RepeatedWarnings implements Filter {

    /** Kinds remembered at most; past that, a new kind is logged without counting its repeats. */
    private static final int KINDS = 1_000;
    private static final int KIND_LENGTH = 300;
    private static final Pattern WITH_DIGITS = Pattern.compile("[^\\s]*[0-9][^\\s]*");
    private static final int ANSWERS = 1_000;
    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    private record Seen(long loggedAt, int leftOut) {
    }

    private final long windowNanos;
    private final Map<String, Seen> kinds = new HashMap<>();
    /**
     * The last answers, by the record's sequence number: a handler may be given a copy of the
     * record, so its identity does not say that it is the same one.
     */
    private final Map<Long, Boolean> decided = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > ANSWERS;
        }
    });

    public RepeatedWarnings(@ConfigProperty(name = "switchboard.log.repeat-window", defaultValue = "30s") Duration window) {
        this.windowNanos = window.toNanos();
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (windowNanos <= 0 || record.getLevel().intValue() < Level.WARNING.intValue()) {
            return true;
        }
        return decided.computeIfAbsent(record.getSequenceNumber(), sequence -> decide(record));
    }

    private boolean decide(LogRecord record) {
        String message = message(record);
        String kind = kind(record.getLoggerName(), record.getLevel(), message);
        long now = System.nanoTime();
        int leftOut;
        synchronized (kinds) {
            Seen seen = kinds.get(kind);
            if (seen != null && now - seen.loggedAt() < windowNanos) {
                kinds.put(kind, new Seen(seen.loggedAt(), seen.leftOut() + 1));
                return false;
            }
            if (seen == null && kinds.size() >= KINDS) {
                kinds.values().removeIf(old -> now - old.loggedAt() >= windowNanos);
                if (kinds.size() >= KINDS) {
                    return true;
                }
            }
            leftOut = seen == null ? 0 : seen.leftOut();
            kinds.put(kind, new Seen(now, 0));
        }
        if (leftOut > 0 && record instanceof ExtLogRecord extended) {
            extended.setMessage(message + " (" + leftOut + " more like this since the last such line were not logged)",
                    ExtLogRecord.FormatStyle.NO_FORMAT);
            extended.setParameters(null);
        }
        return true;
    }

    /** The logger, the level and the message with every word that holds a digit left out. */
    public static String kind(String logger, Level level, String message) {
        String words = WITH_DIGITS.matcher(message).replaceAll("#");
        return logger + " " + level.getName() + " " + (words.length() > KIND_LENGTH ? words.substring(0, KIND_LENGTH) : words);
    }

    private static String message(LogRecord record) {
        return record instanceof ExtLogRecord extended ? extended.getFormattedMessage() : FORMATTER.formatMessage(record);
    }
}
