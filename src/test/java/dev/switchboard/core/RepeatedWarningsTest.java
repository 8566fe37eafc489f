package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class RepeatedWarningsTest {

    private static final List<String> CATEGORIES = List.of("io.agroal.pool", ThrottledWarning.CATEGORY);
    private static final String RETRYING = ThrottledWarning.CATEGORY;

    private static ExtLogRecord record(Level level, String logger, String format, Object... parameters) {
        ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, RepeatedWarningsTest.class.getName());
        record.setLoggerName(logger);
        record.setParameters(parameters);
        return record;
    }

    private static RepeatedWarnings filter(Duration window) {
        return new RepeatedWarnings(window, CATEGORIES);
    }

    @Test
    void theOperatorsSettingsReachTheFilterTheLoggingSystemMadeBeforeTheyWereRead() {
        RepeatedWarnings filter = filter(Duration.ZERO); // as made at startup: every warning logged
        RepeatedWarnings.apply(new LogConfig() {
            @Override
            public java.util.Optional<Duration> repeatWindow() {
                return java.util.Optional.of(Duration.ofMinutes(1));
            }

            @Override
            public java.util.Optional<List<String>> repeatCategories() {
                return java.util.Optional.of(List.of("org.example.noisy"));
            }
        });
        assertTrue(filter.isLoggable(record(Level.WARNING, "org.example.noisy", "Connection to port %d refused", 1)));
        assertFalse(filter.isLoggable(record(Level.WARNING, "org.example.noisy", "Connection to port %d refused", 2)));
        assertTrue(filter.isLoggable(record(Level.WARNING, "io.agroal.pool", "Connection to port %d refused", 1)));
        assertTrue(filter.isLoggable(record(Level.WARNING, "io.agroal.pool", "Connection to port %d refused", 2)),
                "no longer among the categories held back");
    }

    @Test
    void aWarningOfOneKindIsLoggedOnceInTheWindowWhateverThePortOrIdInIt() {
        RepeatedWarnings filter = filter(Duration.ofMinutes(1));
        assertTrue(filter.isLoggable(record(Level.WARNING, "io.agroal.pool", "Datasource '%s': Connection to localhost:%d refused", "<default>", 5432)));
        assertFalse(filter.isLoggable(record(Level.WARNING, "io.agroal.pool", "Datasource '%s': Connection to localhost:%d refused", "<default>", 5433)));
        assertTrue(filter.isLoggable(record(Level.WARNING, RETRYING, "Stream message parked: event %s", "99b63270-0b8e-4c1f")));
        assertFalse(filter.isLoggable(record(Level.WARNING, RETRYING, "Stream message parked: event %s", "11c63270-0b8e-4c1f")));
    }

    @Test
    void anotherMessageLevelLoggerOrErrorIsAKindOfItsOwn() {
        RepeatedWarnings filter = filter(Duration.ofMinutes(1));
        assertTrue(filter.isLoggable(record(Level.WARNING, RETRYING, "Runs cannot be dispatched (will keep trying): %s", "refused")));
        assertTrue(filter.isLoggable(record(Level.WARNING, RETRYING, "Runs cannot be dispatched (will keep trying): %s", "closed")));
        assertTrue(filter.isLoggable(record(Level.WARNING, RETRYING, "Dead letters cannot be sent (will keep trying): %s", "refused")));
        assertTrue(filter.isLoggable(record(Level.SEVERE, RETRYING, "Runs cannot be dispatched (will keep trying): %s", "refused")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "io.agroal.pool", "Runs cannot be dispatched (will keep trying): %s", "refused")));
        ExtLogRecord refused = record(Level.WARNING, "io.agroal.pool", "Datasource failed");
        refused.setThrown(new SQLException("no", new ConnectException("refused")));
        ExtLogRecord other = record(Level.WARNING, "io.agroal.pool", "Datasource failed");
        other.setThrown(new SQLException("no", new IllegalStateException("a bug")));
        assertTrue(filter.isLoggable(refused));
        assertTrue(filter.isLoggable(other), "another error, another stack trace");
    }

    @Test
    void whatIsNotAnOutagesUsualVoiceIsNeverHeldBack() {
        RepeatedWarnings filter = filter(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            // A rule file rejected at every reload, an alert: an operator reads each one.
            assertTrue(filter.isLoggable(record(Level.WARNING, "dev.switchboard.rules.RulesInForce", "Rejected: %s", "rules/a.yaml:5: bad")));
            assertTrue(filter.isLoggable(record(Level.WARNING, "io.agroal.poolish", "Datasource '%s': refused", "<default>")));
            assertTrue(filter.isLoggable(record(Level.INFO, RETRYING, "Loaded %d rule(s)", 3)));
        }
        assertTrue(filter.isLoggable(record(Level.WARNING, "io.agroal.pool.Inner", "Datasource '%s': refused", "<default>")));
        assertFalse(filter.isLoggable(record(Level.WARNING, "io.agroal.pool.Inner", "Datasource '%s': refused", "<default>")),
                "a category under a listed one is held back too");
    }

    @Test
    void theFirstLineAfterTheWindowSaysHowManyWereLeftOut() throws InterruptedException {
        RepeatedWarnings filter = filter(Duration.ofMillis(200));
        assertTrue(filter.isLoggable(record(Level.WARNING, RETRYING, "Webhooks for source %s are answered 503: %s", "shop", "refused")));
        for (int i = 0; i < 4; i++) {
            assertFalse(filter.isLoggable(record(Level.WARNING, RETRYING, "Webhooks for source %s are answered 503: %s", "shop", "refused")));
        }
        Thread.sleep(250);
        ExtLogRecord next = record(Level.WARNING, RETRYING, "Webhooks for source %s are answered 503: %s", "shop", "refused");
        assertTrue(filter.isLoggable(next));
        assertEquals("Webhooks for source shop are answered 503: refused (4 more like this since the last such line"
                + " were not logged)", next.getFormattedMessage());
    }

    @Test
    void theSameRecordGetsTheSameAnswerFromEveryHandler() {
        RepeatedWarnings filter = filter(Duration.ofMinutes(1));
        ExtLogRecord first = record(Level.WARNING, RETRYING, "Runs cannot be dispatched: %s", "refused");
        assertTrue(filter.isLoggable(first));
        assertTrue(filter.isLoggable(first), "the file handler after the console");
        assertTrue(filter.isLoggable(new ExtLogRecord(first)), "a copy of it, as a queued handler gets");
        ExtLogRecord second = record(Level.WARNING, RETRYING, "Runs cannot be dispatched: %s", "refused");
        assertFalse(filter.isLoggable(second));
        assertFalse(filter.isLoggable(second));
    }

    @Test
    void aWindowOfZeroLogsEveryOne() {
        RepeatedWarnings filter = filter(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            assertTrue(filter.isLoggable(record(Level.WARNING, RETRYING, "Runs cannot be dispatched: %s", "refused")));
        }
    }
}
