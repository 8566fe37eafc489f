package dev.switchboard.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Logs a warning or error of one kind from an outage's usual voices once per
 * {@code switchboard.log.repeat-window}, not once per occurrence. With the database away, every
 * refused webhook, alert check, poll and pool reconnect says the same thing, hundreds of lines a
 * second (issue 12 saw 4,066 pool warnings in 90 s); the first line says what is wrong, and the
 * next one after the window says how many like it were left out. Only the categories of
 * {@code switchboard.log.repeat-categories} are held back: the pool, the transaction manager,
 * Hibernate's SQL errors, Camel's JMS consumers (a queue source's consumer warns every 5 s while
 * the broker is away), Artemis (a line per session the broker clears up) and the hub's own
 * {@link ThrottledWarning}s. A rule rejected at reload, an
 * alert or a configuration warning is never held back, however often it comes; nor is INFO.
 *
 * <p>A kind is the logger, the level, the message with every word that holds a digit masked (a
 * port, a transaction id, a count) and the class of the error it carries. Attached to the console
 * and file handlers in application.properties ({@code quarkus.log.console.filter}); the same
 * record reaching it through both, or a copy of it, gets the same answer.
 */
@LoggingFilter(name = "switchboard-repeated-warnings")
public final class RepeatedWarnings implements Filter {

    /** Kinds remembered at most; past that, a new kind is logged without counting its repeats. */
    private static final int KINDS = 1_000;
    private static final int KIND_LENGTH = 300;
    private static final int ANSWERS = 1_000;
    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    private record Seen(long loggedAt, int leftOut) {
    }

    /**
     * The filter the logging system made, for {@link #apply}: it is made before the operator's
     * file is read, so that file's settings reach it once the hub has started.
     */
    private static volatile RepeatedWarnings active;

    private volatile long windowNanos;
    private volatile List<String> categories;
    /** Guarded by itself, with {@link #decided}. */
    private final Map<String, Seen> kinds = new HashMap<>();
    /**
     * The last answers, by the record's sequence number: a handler may be given a copy of the
     * record, so its identity does not say that it is the same one.
     */
    private final Map<Long, Boolean> decided = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > ANSWERS;
        }
    };

    public RepeatedWarnings(
            @ConfigProperty(name = "switchboard.log.repeat-window", defaultValue = "30s") Duration window,
            @ConfigProperty(name = "switchboard.log.repeat-categories",
                    defaultValue = "io.agroal.pool,com.arjuna.ats.jta,org.hibernate.orm.jdbc.error,"
                            + "org.apache.camel.component.jms,org.apache.activemq.artemis," + ThrottledWarning.CATEGORY)
            List<String> categories) {
        this.windowNanos = window.toNanos();
        this.categories = List.copyOf(categories);
        active = this;
    }

    /** Applies {@code switchboard.log.*} as the hub's configuration has it, the operator's file included. */
    public static void apply(LogConfig config) {
        RepeatedWarnings filter = active;
        if (filter != null) {
            config.repeatWindow().ifPresent(window -> filter.windowNanos = window.toNanos());
            config.repeatCategories().ifPresent(categories -> filter.categories = List.copyOf(categories));
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (windowNanos <= 0 || record.getLevel().intValue() < Level.WARNING.intValue() || !heldBack(record.getLoggerName())) {
            return true;
        }
        // Formatted outside the lock: a parameter's toString() may itself log.
        String message = message(record);
        String kind = kind(record.getLoggerName(), record.getLevel(), message, errorClass(record));
        long now = System.nanoTime();
        int leftOut;
        synchronized (kinds) {
            Boolean answer = decided.get(record.getSequenceNumber());
            if (answer != null) {
                return answer;
            }
            Seen seen = kinds.get(kind);
            if (seen != null && now - seen.loggedAt() < windowNanos) {
                kinds.put(kind, new Seen(seen.loggedAt(), seen.leftOut() + 1));
                decided.put(record.getSequenceNumber(), false);
                return false;
            }
            if (seen == null && kinds.size() >= KINDS) {
                kinds.values().removeIf(old -> now - old.loggedAt() >= windowNanos);
            }
            if (seen != null || kinds.size() < KINDS) {
                kinds.put(kind, new Seen(now, 0));
            }
            leftOut = seen == null ? 0 : seen.leftOut();
            decided.put(record.getSequenceNumber(), true);
        }
        if (leftOut > 0 && record instanceof ExtLogRecord extended) {
            extended.setMessage(message + " (" + leftOut + " more like this since the last such line were not logged)",
                    ExtLogRecord.FormatStyle.NO_FORMAT);
            extended.setParameters(null);
        }
        return true;
    }

    private boolean heldBack(String logger) {
        if (logger == null) {
            return false;
        }
        for (String category : categories) {
            if (logger.equals(category) || logger.startsWith(category) && logger.charAt(category.length()) == '.') {
                return true;
            }
        }
        return false;
    }

    /**
     * The logger, the level, the message with every word that holds a digit masked, and the class
     * of the error's innermost cause (none when {@code errorClass} is null).
     */
    public static String kind(String logger, Level level, String message, String errorClass) {
        String text = message.length() > KIND_LENGTH ? message.substring(0, KIND_LENGTH) : message;
        StringBuilder kind = new StringBuilder(logger).append(' ').append(level.getName());
        for (String word : text.split("\\s+")) {
            kind.append(' ').append(word.chars().anyMatch(Character::isDigit) ? "#" : word);
        }
        if (errorClass != null) {
            kind.append(" [").append(errorClass).append(']');
        }
        return kind.toString();
    }

    /** The class of the innermost cause of the record's error, as {@link #kind} takes it; null without one. */
    public static String errorClass(LogRecord record) {
        return record.getThrown() == null ? null : Failures.root(record.getThrown()).getClass().getName();
    }

    private static String message(LogRecord record) {
        return record instanceof ExtLogRecord extended ? extended.getFormattedMessage() : FORMATTER.formatMessage(record);
    }
}
