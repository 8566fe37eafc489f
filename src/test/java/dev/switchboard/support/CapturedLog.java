package dev.switchboard.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import dev.switchboard.core.RepeatedWarnings;

/**
 * What the hub running in this JVM (a {@code @QuarkusTest}) shows on its console at WARN or above
 * while this is open: JBoss Logging reaches the JDK's root logger, where this listens, and each
 * record passes the console handler's filter first (as configured in application.properties).
 */
public final class CapturedLog implements AutoCloseable {

    /**
     * One line as an operator would read it: level, logger and message, formatted, and the class
     * of its error's innermost cause (null when it has none).
     */
    public record Line(Level level, String logger, String message, String errorClass) {
        @Override
        public String toString() {
            return level + " " + logger + ": " + message + (errorClass == null ? "" : " [" + errorClass + "]");
        }
    }

    private static final int KEPT = 10_000;
    /** A line of the hub's console: {@code 2026-12-04 19:34:51,713 WARN  [category] (thread) message}. */
    private static final Pattern CONSOLE_LINE = Pattern.compile(
            "^\\S+ \\S+ (WARN|ERROR)\\s+\\[([^\\]]+)\\] \\((?:[^()]|\\([^()]*\\))*\\) (.*)$");
    /** Any line of the hub's console that starts a record: a date and a time. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
    /** The first line of a stack trace or of one of its causes: {@code [Caused by: ]some.Exception[: message]}. */
    private static final Pattern STACK_HEAD = Pattern.compile("^(?:Caused by: )?([a-zA-Z_$][\\w$]*(?:\\.[a-zA-Z_$][\\w$]*)+)(?::|$)");

    private final List<Line> lines = Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue() && lines.size() < KEPT
                    && (console == null || console.isLoggable(record))) {
                lines.add(new Line(record.getLevel(), record.getLoggerName(), message(record),
                        RepeatedWarnings.errorClass(record)));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final Filter console = consoleFilter(LogContext.getLogContext().getLogger("").getHandlers());

    private CapturedLog() {
        Logger.getLogger("").addHandler(handler);
    }

    private static Filter consoleFilter(Handler[] handlers) {
        for (Handler handler : handlers) {
            if (handler instanceof ConsoleHandler) {
                return handler.getFilter();
            }
            if (handler instanceof ExtHandler parent) {
                Filter found = consoleFilter(parent.getHandlers());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    public static CapturedLog open() {
        return new CapturedLog();
    }

    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines at ERROR (JUL's SEVERE). */
    public List<Line> errors() {
        return lines().stream().filter(line -> line.level().intValue() >= Level.SEVERE.intValue()).toList();
    }

    /**
     * The WARN and ERROR lines of a hub process's console output, each with the class of the
     * innermost cause of the stack trace printed under it (the last {@code Caused by:}).
     */
    public static List<Line> warningsIn(String output) {
        List<Line> found = new ArrayList<>();
        Matcher open = null;
        String errorClass = null;
        for (String text : (output + "\n").lines().toList()) {
            boolean logLine = LOG_LINE.matcher(text).lookingAt();
            if (!logLine) {
                Matcher cause = STACK_HEAD.matcher(text);
                if (open != null && cause.lookingAt()) {
                    errorClass = cause.group(1);
                }
                continue;
            }
            if (open != null) {
                found.add(line(open, errorClass));
            }
            Matcher warning = CONSOLE_LINE.matcher(text);
            open = warning.matches() ? warning : null;
            errorClass = null;
        }
        if (open != null) {
            found.add(line(open, errorClass));
        }
        return found;
    }

    private static Line line(Matcher warning, String errorClass) {
        return new Line("ERROR".equals(warning.group(1)) ? Level.SEVERE : Level.WARNING, warning.group(2),
                warning.group(3), errorClass);
    }

    /**
     * How many lines there are of each kind that came more than {@code allowed} times, kinds as
     * the hub's {@link RepeatedWarnings} groups them.
     */
    public static Map<String, Long> repeatedMoreThan(int allowed, List<Line> lines) {
        Map<String, Long> counts = new TreeMap<>();
        lines.forEach(line -> counts.merge(RepeatedWarnings.kind(line.logger(), line.level(), line.message(), line.errorClass()), 1L, Long::sum));
        counts.values().removeIf(count -> count <= allowed);
        return counts;
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }

    private static String message(LogRecord record) {
        return record instanceof ExtLogRecord formatted ? formatted.getFormattedMessage() : String.valueOf(record.getMessage());
    }
}
