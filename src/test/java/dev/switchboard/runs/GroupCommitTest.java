package dev.switchboard.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.switchboard.core.OverloadedException;
import dev.switchboard.core.UnconfirmedException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A caller whose batch has not committed in time is told that its outcome is unknown, not that it
 * failed: the batch can still commit after the caller has given up (webhooks answer it 503
 * {@code unconfirmed}, and the sender's retry is then a duplicate).
 */
class GroupCommitTest {

    @Test
    void aCallerWhoseBatchHasNotCommittedInTimeIsToldItIsUnconfirmedAndTheBatchMayStillCommit() throws Exception {
        CountDownLatch commit = new CountDownLatch(1);
        CountDownLatch committed = new CountDownLatch(1);
        GroupCommit<String, String> batches = new GroupCommit<>("test", 8, Duration.ZERO, 1, 8, batch -> {
            commit.await(); // the database has the batch and does not answer yet
            committed.countDown();
            return batch.stream().map(item -> item + " stored").toList();
        }, new SimpleMeterRegistry());
        try {
            UnconfirmedException unconfirmed = assertThrows(UnconfirmedException.class,
                    () -> batches.submit("delivery-1", Duration.ofMillis(200)));
            assertTrue(unconfirmed.getMessage().contains("did not commit within"), unconfirmed.getMessage());

            commit.countDown();
            assertTrue(committed.await(5, TimeUnit.SECONDS), "the batch the caller gave up on commits after all");
            assertEquals("delivery-2 stored", batches.submit("delivery-2", Duration.ofSeconds(5)),
                    "the next caller is answered as usual");
        } finally {
            batches.stop();
        }
    }

    @Test
    void aBatchThatFailsGivesItsCallerTheFailureNotAnUnknownOutcome() throws Exception {
        GroupCommit<String, String> batches = new GroupCommit<>("test", 8, Duration.ZERO, 1, 8, batch -> {
            throw new SQLException("connection refused", "08001");
        }, new SimpleMeterRegistry());
        try {
            assertThrows(SQLException.class, () -> batches.submit("delivery", Duration.ofSeconds(5)));
        } finally {
            batches.stop();
        }
        assertThrows(OverloadedException.class, () -> batches.submit("late", Duration.ofSeconds(1)),
                "a stopped stage takes nothing");
    }
}
