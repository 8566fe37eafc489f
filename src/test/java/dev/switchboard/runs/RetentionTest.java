package dev.switchboard.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;

/** The purge removes what is past retention and finished, and nothing an operator still needs. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RetentionTest {

    @Inject
    DataSource dataSource;

    @Inject
    Retention retention;

    @Inject
    EventLog eventLog;

    UUID event(String age, String state) {
        return event(age, state, "retention.test");
    }

    UUID event(String age, String state, String type) {
        UUID id = UUID.randomUUID();
        HubState.count(dataSource, """
                with inserted as (insert into event (id, source, delivery_id, type, received_at, state, envelope)
                    values (?, 'retention', ?, ?, now() - cast(? as interval), ?, '{}') returning 1)
                select count(*) from inserted""", id, id.toString(), type, age, state);
        return id;
    }

    void run(UUID event, String state) {
        HubState.count(dataSource, """
                with inserted as (insert into action_run (id, event_id, rule_id, action_id, port, state, max_attempts,
                    initial_delay_ms, max_delay_ms) values (?, ?, 'r', 'a', 'p', ?, 1, 1, 1) returning 1)
                select count(*) from inserted""", UUID.randomUUID(), event, state);
    }

    long events(UUID id) {
        return HubState.count(dataSource, "select count(*) from event where id = ?", id);
    }

    @Test
    void purgesOldSettledEventsAndKeysOnlyAndCountsWhatItKeeps() {
        UUID oldIgnored = event("40 days", "IGNORED");
        UUID oldSucceeded = event("40 days", "PROCESSED");
        run(oldSucceeded, "SUCCEEDED");
        UUID oldDead = event("40 days", "PROCESSED");
        run(oldDead, "DEAD");
        UUID recent = event("1 day", "IGNORED");
        UUID neverConsumed = event("40 days", "RECEIVED");
        UUID failed = event("40 days", "FAILED");
        Retention.Kept keptBefore = retention.kept();
        String oldKey = "retention:" + UUID.randomUUID();
        String recentKey = "retention:" + UUID.randomUUID();
        HubState.count(dataSource, """
                with inserted as (insert into idempotency_key (processor, key, created_at)
                    values ('ingest', ?, now() - interval '40 days'), ('ingest', ?, now()) returning 1)
                select count(*) from inserted""", oldKey, recentKey);

        retention.purge();

        assertEquals(0, events(oldIgnored));
        assertEquals(0, events(oldSucceeded));
        assertEquals(0, HubState.count(dataSource, "select count(*) from action_run where event_id = ?", oldSucceeded));
        assertEquals(1, events(oldDead), "a dead run keeps its event until replayed or discarded");
        assertEquals(1, events(recent));
        assertEquals(1, events(neverConsumed), "an event never consumed is work not done");
        assertEquals(1, events(failed), "so is one whose evaluation failed");
        assertEquals(keptBefore, retention.kept(), "what is kept is counted, and stays");
        assertTrue(keptBefore.received() >= 1 && keptBefore.failed() >= 1 && keptBefore.unsettledRuns() >= 1,
                keptBefore.toString());
        assertEquals(0, HubState.count(dataSource, "select count(*) from idempotency_key where key = ?", oldKey));
        assertEquals(1, HubState.count(dataSource, "select count(*) from idempotency_key where key = ?", recentKey));
    }

    /** A backtest or an export reads page after page; the purge may delete the page's last event meanwhile. */
    @Test
    void aWalkThroughEventsGoesOnPastAnEventPurgedBetweenItsPages() {
        String type = "retention.walk." + UUID.randomUUID();
        UUID oldest = event("40 days", "IGNORED", type);
        UUID second = event("2 days", "IGNORED", type);
        UUID third = event("1 day", "IGNORED", type);
        EventLog.Selection walk = new EventLog.Selection(List.of(EventState.values()), Optional.empty(),
                Optional.of(type), Optional.empty(), Optional.empty(), Optional.empty());

        List<EventLog.Stored> firstPage = eventLog.select(walk, 1);
        assertEquals(List.of(oldest), firstPage.stream().map(EventLog.Stored::id).toList());
        retention.purgeEvents();
        assertEquals(0, events(oldest));

        List<EventLog.Stored> nextPage = eventLog.select(walk.startingAfter(Optional.of(firstPage.get(0).position())), 10);
        assertEquals(List.of(second, third), nextPage.stream().map(EventLog.Stored::id).toList());
    }
}
