package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class RepeatedWarningsTest {

    private static ExtLogRecord record(Level level, String logger, String format, Object... parameters) {
        ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, RepeatedWarningsTest.class.getName());
        record.setLoggerName(logger);
        record.setParameters(parameters);
        return record;
    }

    @Test
    void aWarningOfOneKindIsLoggedOnceInTheWindow() {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ofMinutes(1));
        assertTrue(filter.isLoggable(record(Level.WARNING, "pool", "Datasource '%s': Connection to localhost:%d refused", "<default>", 5432)));
        assertFalse(filter.isLoggable(record(Level.WARNING, "pool", "Datasource '%s': Connection to localhost:%d refused", "<default>", 5433)));
    }

    @Test
    void anotherMessageALevelOrALoggerIsAKindOfItsOwn() {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ofMinutes(1));
        assertTrue(filter.isLoggable(record(Level.WARNING, "runs", "Runs cannot be dispatched (will keep trying): %s", "refused")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "runs", "Runs cannot be dispatched (will keep trying): %s", "closed")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "runs", "Dead letters cannot be sent (will keep trying): %s", "refused")));
        assertTrue(filter.isLoggable(record(Level.SEVERE, "runs", "Runs cannot be dispatched (will keep trying): %s", "refused")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "relay", "Runs cannot be dispatched (will keep trying): %s", "refused")));
        // Two alerts, or two warnings about rules, are never taken for one.
        assertTrue(filter.isLoggable(record(Level.WARNING, "alerts", "Alert: %s", "Port crm is failing")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "alerts", "Alert: %s", "Port chat is failing")));
    }

    @Test
    void wordsWithDigitsDoNotMakeAKindIdsPortsAndCountsVaryWithinOne() {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ofMinutes(1));
        assertTrue(filter.isLoggable(record(Level.WARNING, "retention", "Retention kept %d event(s) past retention", 3)));
        assertFalse(filter.isLoggable(record(Level.WARNING, "retention", "Retention kept %d event(s) past retention", 4)));
        assertTrue(filter.isLoggable(record(Level.WARNING, "jta", "ARJUNA016045: attempted rollback of < tx_uid=%s >", "0:ffff7f000001:a5")));
        assertFalse(filter.isLoggable(record(Level.WARNING, "jta", "ARJUNA016045: attempted rollback of < tx_uid=%s >", "0:ffff7f000001:a6")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "stream", "Stream message parked: event %s", "99b63270-0b8e-4c1f")));
        assertFalse(filter.isLoggable(record(Level.WARNING, "stream", "Stream message parked: event %s", "11c63270-0b8e-4c1f")));
    }

    @Test
    void informationIsNeverHeldBack() {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(filter.isLoggable(record(Level.INFO, "hub", "Loaded %d rule(s)", 3)));
        }
    }

    @Test
    void theFirstLineAfterTheWindowSaysHowManyWereLeftOut() throws InterruptedException {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ofMillis(200));
        assertTrue(filter.isLoggable(record(Level.WARNING, "ingest", "Webhook for source %s not accepted: %s", "shop", "refused")));
        for (int i = 0; i < 4; i++) {
            assertFalse(filter.isLoggable(record(Level.WARNING, "ingest", "Webhook for source %s not accepted: %s", "shop", "refused")));
        }
        Thread.sleep(250);
        ExtLogRecord next = record(Level.WARNING, "ingest", "Webhook for source %s not accepted: %s", "shop", "refused");
        assertTrue(filter.isLoggable(next));
        assertEquals("Webhook for source shop not accepted: refused (4 more like this since the last such line"
                + " were not logged)", next.getFormattedMessage());
    }

    @Test
    void theSameRecordGetsTheSameAnswerFromEveryHandler() {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ofMinutes(1));
        ExtLogRecord first = record(Level.WARNING, "runs", "Runs cannot be dispatched: %s", "refused");
        assertTrue(filter.isLoggable(first));
        assertTrue(filter.isLoggable(first), "the file handler after the console");
        assertTrue(filter.isLoggable(new ExtLogRecord(first)), "a copy of it, as a queued handler gets");
        assertFalse(filter.isLoggable(record(Level.WARNING, "runs", "Runs cannot be dispatched: %s", "refused")));
    }

    @Test
    void aWindowOfZeroLogsEveryOne() {
        RepeatedWarnings filter = new RepeatedWarnings(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            assertTrue(filter.isLoggable(record(Level.WARNING, "runs", "Runs cannot be dispatched: %s", "refused")));
        }
    }
}
